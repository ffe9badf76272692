package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VhidMapTest {
    static final String UUID = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";

    private static VhidMapEntry entry(ItemKind kind, String key, int vhid, int line) {
        return new VhidMapEntry(kind, key, vhid, Optional.empty(), Optional.empty(), "vhid-map.yml", line, 3);
    }

    @Test
    void anEntryIsFoundByKindAndUuidFirstThenByKindAndName() {
        VhidMap map = VhidMap.of(List.of(entry(ItemKind.WIREGUARD, "wg0", 7, 2),
                entry(ItemKind.WIREGUARD, UUID, 2, 3), entry(ItemKind.OPENVPN, "wg0", 9, 5)));
        assertThat(map.find(ItemKind.WIREGUARD, UUID, "wg0")).get().extracting(VhidMapEntry::vhid).isEqualTo(2);
        assertThat(map.find(ItemKind.WIREGUARD, "other", "wg0")).get().extracting(VhidMapEntry::vhid).isEqualTo(7);
        assertThat(map.find(ItemKind.OPENVPN, "", "wg0")).get().extracting(VhidMapEntry::vhid).isEqualTo(9);
        assertThat(map.find(ItemKind.DHCRELAY, UUID, "wg0")).isEmpty();
        assertThat(map.find(ItemKind.WIREGUARD, "", "")).as("an empty name is no name").isEmpty();
        assertThat(map.all()).extracting(VhidMapEntry::line).containsExactly(2, 3, 5);
    }

    @Test
    void anEntryKeepsItsPlace() {
        VhidMapEntry at = entry(ItemKind.WIREGUARD, "wg0", 7, 4);
        assertThat(at.origin()).isEqualTo("vhid-map.yml:4");
        assertThat(at.place()).isEqualTo("vhid-map.yml:4:3");
        assertThat(new VhidMapEntry("wg0", 7, Optional.empty(), Optional.empty()).origin()).isEmpty();
        assertThat(VhidMap.none().all()).isEmpty();
        assertThat(VhidMap.none().source()).isEmpty();
    }
}
