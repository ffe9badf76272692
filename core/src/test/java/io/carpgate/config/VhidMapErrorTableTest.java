package io.carpgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Broken VHID maps, one per row, as in {@link ConfigErrorTableTest}: the place marked {@code «} and the words. */
class VhidMapErrorTableTest {
    static final String UUID = "0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f";

    private static ConfigErrorTableTest.Row row(String name, String yaml, String... words) {
        return new ConfigErrorTableTest.Row(name, yaml, List.of(words));
    }

    static Stream<ConfigErrorTableTest.Row> rows() {
        return Stream.of(
                row("entry key misspelt", "instances:\n  wg0:\n    «vhdi: 7\n",
                        "unknown key 'vhdi' in WireGuard instance 'wg0'; did you mean 'vhid'?"),
                row("entry key with underscore", "instances:\n  wg0:\n    vhid: 7\n    «backup_vip: " + UUID + "\n",
                        "did you mean 'backup-vip'?"),
                row("top key misspelt", "«instance:\n  wg0:\n    vhid: 7\n", "unknown key 'instance'; did you mean 'instances'?"),
                row("top key unknown", "instances:\n  wg0:\n    vhid: 7\n«other: 1\n", "unknown key 'other' (known here: wireguard, openvpn, dhcrelay, instances)"),
                row("vhid a list", "instances:\n  wg0:\n    vhid: «[7]\n", "'vhid' of WireGuard instance 'wg0' must be a single value, not a list"),
                row("interface a mapping", "instances:\n  wg0:\n    vhid: 7\n    interface: «{name: lan}\n",
                        "must be a single value, not a mapping"),
                row("interface without a value", "instances:\n  wg0:\n    vhid: 7\n    interface:«\n", "'interface' of WireGuard instance 'wg0' needs a value"),
                row("instance a number", "instances:\n  wg0: «7\n", "instance 'wg0' needs at least 'vhid:'"),
                row("instances without a value", "instances:«\n", "'instances' must map WireGuard instance names (name) or uuids to entries"),
                row("instances a list", "instances: «[wg0]\n", "'instances' must map WireGuard instance names (name) or uuids"),
                row("the map a list", "«- wg0\n", "the VHID map must be a mapping with sections wireguard, openvpn, dhcrelay, instances"),
                row("vhid 0", "instances:\n  wg0:\n    vhid: «0\n", "vhid of WireGuard instance 'wg0' must be a whole number 1..255, not '0'"),
                row("vhid 256", "instances:\n  wg0:\n    vhid: «256\n", "1..255"),
                row("vhid a decimal", "instances:\n  wg0:\n    vhid: «7.5\n", "not '7.5'"),
                row("vhid a word", "instances:\n  wg0:\n    vhid: «seven\n", "whole number"),
                row("no vhid", "instances:\n  «wg0:\n    interface: lan\n", "instance 'wg0' has no vhid"),
                row("no vhid, second entry", "instances:\n  wg0: {vhid: 7}\n  «wg1: {interface: lan}\n", "instance 'wg1' has no vhid"),
                row("backup-vip not a uuid", "instances:\n  wg0:\n    vhid: 7\n    backup-vip: «1234\n",
                        "backup-vip of WireGuard instance 'wg0' is not a uuid"),
                row("duplicate instance", "instances:\n  wg0:\n    vhid: 7\n  «wg0:\n    vhid: 2\n", "duplicate key 'wg0' (first at line 2)"),
                row("duplicate key in an entry", "instances:\n  wg0:\n    vhid: 7\n    «vhid: 8\n", "duplicate key 'vhid' (first at line 3)"),
                row("tab", "instances:\n  wg0:\n«\tvhid: 7\n", "a tab character"),
                row("unclosed {", "instances:\n  wg0: «{vhid: 7\n  wg1: {vhid: 2}\n", "'{ … }' opened here"),
                row("unclosed { at the end", "instances:\n  wg0: «{vhid: 7\n", "the '{' opened here is never closed"),
                row("indentation out of step", "instances:\n  wg0:\n     vhid: 7\n    «interface: lan\n",
                        "indented by 4 spaces, the line above by 5"),
                row("second document", "instances:\n  wg0: {vhid: 7}\n«---\ninstances: {}\n", "a second YAML document"),
                row("only comments", "# instances:\n#   wg0: {vhid: 7}\n", "has only comments", "'wireguard:', 'openvpn:' or 'dhcrelay:'"));
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachMistakeIsNamedAtItsPlaceInWords(ConfigErrorTableTest.Row row) throws Exception {
        int mark = row.yaml().indexOf(ConfigErrorTableTest.MARK);
        Path file = Files.writeString(dir.resolve("vhid-map.yml"), row.yaml().replace(ConfigErrorTableTest.MARK, ""));
        String where = file.toAbsolutePath() + ":";
        if (mark >= 0) {
            String before = row.yaml().substring(0, mark);
            where += ((int) before.chars().filter(c -> c == '\n').count() + 1) + ":" + (mark - before.lastIndexOf('\n')) + ": ";
        } else {
            where += " ";
        }
        String expectedStart = where;
        assertThatThrownBy(() -> VhidMapLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).as(row.name()).startsWith(expectedStart).contains(row.words())
                        .doesNotMatch(ConfigErrorTableTest.JAVA_TYPES).doesNotContain("\n"));
    }
}
