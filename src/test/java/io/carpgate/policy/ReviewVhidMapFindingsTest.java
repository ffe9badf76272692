package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** Review of the VHID map's index by kind and key. */
class ReviewVhidMapFindingsTest {
    private static final String UUID = "3d2c1b0a-1111-4222-8333-444455556666";

    @Test
    void theIndexFindsWhatTheOldScanFound() {
        // A name key that equals another item's uuid, listed first: uuid lookup takes the first key in map order,
        // as the old linear scan did; another kind's entry with the same key is never returned.
        VhidMapEntry nameLikeUuid = new VhidMapEntry(ItemKind.WIREGUARD, UUID, 7, Optional.empty(), Optional.empty(), "m:1");
        VhidMapEntry other = new VhidMapEntry(ItemKind.OPENVPN, "wg0", 9, Optional.empty(), Optional.empty(), "m:2");
        VhidMap map = VhidMap.of(List.of(nameLikeUuid, other));
        assertThat(map.find(ItemKind.WIREGUARD, UUID, "wg0")).contains(nameLikeUuid);
        assertThat(map.find(ItemKind.WIREGUARD, "", "wg0")).isEmpty();
        assertThat(map.find(ItemKind.OPENVPN, "", "wg0")).contains(other);
        assertThat(map.find(ItemKind.WIREGUARD, UUID, "")).contains(nameLikeUuid);
    }

    @Test
    @Disabled("REVIEW lesser (not a wrong VHID: the item falls back to what was learned or to unknown): VhidMapLoader "
            + "treats uuids case-insensitively (a uuid in two sections is refused whatever its case) but VhidMap.find "
            + "matches case-sensitively, so an entry written with an upper-case uuid never applies and nothing says so. "
            + "Fix: lower-case uuid keys in the index (and in VhidMapEntry.names), or refuse an upper-case uuid at load")
    void aUuidWrittenInUpperCaseFindsTheItem() {
        VhidMapEntry upper = new VhidMapEntry(ItemKind.WIREGUARD, UUID.toUpperCase(java.util.Locale.ROOT), 7,
                Optional.empty(), Optional.empty(), "m:1");
        assertThat(VhidMap.of(List.of(upper)).find(ItemKind.WIREGUARD, UUID, "")).contains(upper);
    }
}
