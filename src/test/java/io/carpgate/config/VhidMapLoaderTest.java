package io.carpgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carpgate.policy.ItemKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VhidMapLoaderTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("vhid-map.yml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void entriesAreFoundByUuidFirstThenName() throws Exception {
        VhidMap map = VhidMapLoader.load(write("instances:\n"
                + "  wg0-branches:\n    vhid: 7\n    interface: opt2\n"
                + "  3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b:\n    vhid: 2\n"
                + "    backup-vip: 0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f\n"));
        assertThat(map.entries()).hasSize(2);
        assertThat(map.find(ItemKind.WIREGUARD, "x", "wg0-branches")).get().extracting(VhidMapEntry::vhid, VhidMapEntry::iface, VhidMapEntry::line)
                .containsExactly(7, Optional.of("opt2"), 2);
        assertThat(map.find(ItemKind.WIREGUARD, "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b", "wg0-branches")).get()
                .extracting(VhidMapEntry::vhid).isEqualTo(2);
        assertThat(map.find(ItemKind.WIREGUARD, "y", "other")).isEmpty();
    }

    @Test
    void problemsStopTheLoadNamingFileAndLine() throws Exception {
        Path range = write("instances:\n  wg0:\n    vhid: 256\n");
        assertThatThrownBy(() -> VhidMapLoader.load(range)).hasMessageStartingWith(range + ":3:").hasMessageContaining("1..255");
        Path zero = write("instances:\n  wg0:\n    vhid: 0\n");
        assertThatThrownBy(() -> VhidMapLoader.load(zero)).hasMessageContaining("1..255");
        Path text = write("instances:\n  wg0:\n    vhid: seven\n");
        assertThatThrownBy(() -> VhidMapLoader.load(text)).hasMessageContaining("whole number");
        Path unknown = write("instances:\n  wg0:\n    vhid: 7\n    iface: opt2\n");
        assertThatThrownBy(() -> VhidMapLoader.load(unknown)).hasMessageStartingWith(unknown + ":4:")
                .hasMessageContaining("unknown key 'iface'");
        Path duplicate = write("instances:\n  wg0:\n    vhid: 7\n  wg0:\n    vhid: 2\n");
        assertThatThrownBy(() -> VhidMapLoader.load(duplicate)).hasMessageStartingWith(duplicate + ":4:")
                .hasMessageContaining("wg0");
        Path noVhid = write("instances:\n  wg0:\n    interface: lan\n");
        assertThatThrownBy(() -> VhidMapLoader.load(noVhid)).hasMessageStartingWith(noVhid + ":2:").hasMessageContaining("no vhid");
        Path badUuid = write("instances:\n  wg0:\n    vhid: 7\n    backup-vip: nope\n");
        assertThatThrownBy(() -> VhidMapLoader.load(badUuid)).hasMessageContaining("not a uuid");
        Path topLevel = write("instance:\n  wg0:\n    vhid: 7\n");
        assertThatThrownBy(() -> VhidMapLoader.load(topLevel)).hasMessageStartingWith(topLevel + ":1:")
                .hasMessageContaining("unknown key 'instance'");
        Path empty = write("\n");
        assertThatThrownBy(() -> VhidMapLoader.load(empty)).hasMessageContaining("empty");
    }
}
