package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What counts as a restore that only confirmed the book (the memory writes those after the call's turn). */
class ItemBookTest {
    private static final Instant T1 = Instant.parse("2026-12-03T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-12-03T11:00:00Z");
    private static final CarpItem WG0 = new CarpItem(ItemKind.WIREGUARD, "3d2c1b0a", "wg0", true, Optional.of(7),
            Optional.of("opt2"), Optional.of("9a8b7c6d"), "VHID 7 from the master's VIP in the restore", Optional.empty());
    private static final CarpItem OVPN = new CarpItem(ItemKind.OPENVPN, "5e6f7a8b", "branch", true,
            Optional.of(2), Optional.of("lan"), Optional.of("0a1b2c3d"), "the VHID map, vhid-map.yml:3:5", Optional.empty());

    private static ItemBook of(CarpItem... items) {
        return ItemBook.empty().with(List.of(items));
    }

    @Test
    void onlyTheTimesDifferingIsAConfirmation() {
        assertThat(of(WG0.learnedAt(T1), OVPN.learnedAt(T1)).sameButForTimes(of(WG0.learnedAt(T2), OVPN.learnedAt(T2))))
                .isTrue();
        assertThat(ItemBook.empty().sameButForTimes(ItemBook.empty())).isTrue();
    }

    @Test
    void anythingElseIsAChange() {
        CarpItem wg0On8 = new CarpItem(ItemKind.WIREGUARD, "3d2c1b0a", "wg0", true, Optional.of(8), Optional.of("opt2"),
                Optional.of("9a8b7c6d"), "VHID 7 from the master's VIP in the restore", Optional.empty());
        CarpItem otherVip = new CarpItem(ItemKind.WIREGUARD, "3d2c1b0a", "wg0", true, Optional.of(7),
                Optional.of("opt2"), Optional.of("ffffffff"), "VHID 7 from the master's VIP in the restore", Optional.empty());
        assertThat(of(WG0).sameButForTimes(of(wg0On8))).as("another VHID").isFalse();
        assertThat(of(WG0).sameButForTimes(of(otherVip))).as("another VIP").isFalse();
        assertThat(of(WG0).sameButForTimes(of(WG0.withDevice(Optional.of("wg0"))))).as("a device").isFalse();
        assertThat(of(WG0).sameButForTimes(of(WG0.inDoubt(T1, "no answer")))).as("in doubt").isFalse();
        assertThat(of(WG0).sameButForTimes(of(WG0, OVPN))).as("an item more").isFalse();
        assertThat(of(WG0, OVPN).sameButForTimes(of(OVPN, WG0))).as("another order (the oldest goes first)").isFalse();
        // An item without a time follows the VHID map; with one, what the stored restore said: not the same.
        assertThat(of(WG0).sameButForTimes(of(WG0.learnedAt(T2)))).as("a time where there was none").isFalse();
        assertThat(of(WG0.learnedAt(T1)).sameButForTimes(of(WG0))).as("no time where there was one").isFalse();
        assertThat(of(WG0).sameButForTimes(of(new CarpItem(WG0.kind(), WG0.uuid(), "wg1", WG0.gated(), WG0.vhid(),
                WG0.iface(), WG0.vip(), WG0.basis(), WG0.learnedAt())))).as("another name").isFalse();
        assertThat(of(WG0).sameButForTimes(of(new CarpItem(WG0.kind(), WG0.uuid(), WG0.name(), false, WG0.vhid(),
                WG0.iface(), WG0.vip(), WG0.basis(), WG0.learnedAt())))).as("no longer gated").isFalse();
        assertThat(of(WG0).sameButForTimes(of(new CarpItem(WG0.kind(), WG0.uuid(), WG0.name(), WG0.gated(),
                WG0.vhid(), Optional.of("opt3"), WG0.vip(), WG0.basis(), WG0.learnedAt())))).as("another interface")
                .isFalse();
        assertThat(of(WG0).sameButForTimes(of(new CarpItem(WG0.kind(), WG0.uuid(), WG0.name(), WG0.gated(),
                WG0.vhid(), WG0.iface(), WG0.vip(), "the VHID map, vhid-map.yml:4:5", WG0.learnedAt()))))
                .as("another basis").isFalse();
        assertThat(of(WG0).sameButForTimes(of(new CarpItem(ItemKind.OPENVPN, WG0.uuid(), WG0.name(), WG0.gated(),
                WG0.vhid(), WG0.iface(), WG0.vip(), WG0.basis(), WG0.learnedAt())))).as("another kind").isFalse();
    }
}
