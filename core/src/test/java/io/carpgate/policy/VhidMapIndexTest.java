package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The VHID map's index by kind and key: what it finds, by uuid (in any case) and by name. */
class VhidMapIndexTest {
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
    void aUuidWrittenInUpperCaseFindsTheItem() {
        VhidMapEntry upper = new VhidMapEntry(ItemKind.WIREGUARD, UUID.toUpperCase(java.util.Locale.ROOT), 7,
                Optional.empty(), Optional.empty(), "m:1");
        assertThat(VhidMap.of(List.of(upper)).find(ItemKind.WIREGUARD, UUID, "")).contains(upper);
    }
}
