package io.carpgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carpgate.policy.ItemKind;
import io.carpgate.policy.VhidMapEntry;
import io.carpgate.policy.VhidMap;
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
        assertThat(map.all()).hasSize(2);
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

    @Test
    void oneSectionPerKindAndANameBelongsToItsSection() throws Exception {
        VhidMap map = VhidMapLoader.load(write("wireguard:\n  branch:\n    vhid: 7\n"
                + "openvpn:\n  branch:\n    vhid: 2\n    interface: lan\n"
                + "dhcrelay:\n  lan: {vhid: 2}\n  9f40ad51-6e70-4182-bdce-3f4051627d8e: {vhid: 3}\n"));
        assertThat(map.all()).extracting(VhidMapEntry::kind, VhidMapEntry::key, VhidMapEntry::vhid, VhidMapEntry::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ItemKind.WIREGUARD, "branch", 7, 2),
                        org.assertj.core.groups.Tuple.tuple(ItemKind.OPENVPN, "branch", 2, 5),
                        org.assertj.core.groups.Tuple.tuple(ItemKind.DHCRELAY, "lan", 2, 9),
                        org.assertj.core.groups.Tuple.tuple(ItemKind.DHCRELAY, "9f40ad51-6e70-4182-bdce-3f4051627d8e", 3, 10));
        assertThat(map.find(ItemKind.WIREGUARD, "u", "branch")).get().extracting(VhidMapEntry::vhid).isEqualTo(7);
        assertThat(map.find(ItemKind.OPENVPN, "u", "branch")).get().extracting(VhidMapEntry::vhid).isEqualTo(2);
        assertThat(map.find(ItemKind.DHCRELAY, "9f40ad51-6e70-4182-bdce-3f4051627d8e", "lan")).get()
                .extracting(VhidMapEntry::vhid).isEqualTo(3);
        assertThat(map.find(ItemKind.OPENVPN, "u", "lan")).isEmpty();
        assertThat(map.all().get(1).origin()).isEqualTo("vhid-map.yml:5");
    }

    @Test
    void instancesIsTheOlderNameOfTheWireGuardSection() throws Exception {
        VhidMap old = VhidMapLoader.load(write("instances:\n  wg0-branches:\n    vhid: 7\n"));
        assertThat(old.all()).singleElement().extracting(VhidMapEntry::kind).isEqualTo(ItemKind.WIREGUARD);
        Path both = write("instances:\n  wg0:\n    vhid: 7\nwireguard:\n  wg1:\n    vhid: 2\n");
        assertThatThrownBy(() -> VhidMapLoader.load(both)).hasMessageStartingWith(both + ":4:")
                .hasMessageContaining("'wireguard' and 'instances' are the same section");
    }

    @Test
    void aUuidNamesOneItemSoItStandsInOneSectionOnly() throws Exception {
        Path twice = write("wireguard:\n  9F40AD51-6e70-4182-bdce-3f4051627d8e: {vhid: 7}\n"
                + "dhcrelay:\n  9f40ad51-6e70-4182-bdce-3f4051627d8e: {vhid: 2}\n");
        assertThatThrownBy(() -> VhidMapLoader.load(twice)).hasMessageStartingWith(twice + ":4:3:")
                .hasMessageContaining("is also under 'wireguard' (line 2)");
    }

    @Test
    void problemsInTheNewSectionsNameTheKindFileAndLine() throws Exception {
        Path unknown = write("openvpn-clients:\n  x: {vhid: 7}\n");
        assertThatThrownBy(() -> VhidMapLoader.load(unknown)).hasMessageStartingWith(unknown + ":1:")
                .hasMessageContaining("unknown key 'openvpn-clients'; did you mean 'openvpn'?");
        Path range = write("dhcrelay:\n  lan:\n    vhid: 300\n");
        assertThatThrownBy(() -> VhidMapLoader.load(range)).hasMessageStartingWith(range + ":3:")
                .hasMessageContaining("vhid of DHCP relay 'lan' must be a whole number 1..255");
        Path noVhid = write("openvpn:\n  branch-client:\n    interface: lan\n");
        assertThatThrownBy(() -> VhidMapLoader.load(noVhid)).hasMessageStartingWith(noVhid + ":2:")
                .hasMessageContaining("OpenVPN instance 'branch-client' has no vhid");
        Path notMapping = write("openvpn: [a]\n");
        assertThatThrownBy(() -> VhidMapLoader.load(notMapping)).hasMessageStartingWith(notMapping + ":1:")
                .hasMessageContaining("'openvpn' must map OpenVPN instance names (description) or uuids");
    }
}
