package io.carpgate.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * README's advice for "wg0 carpgate has not seen in a sync" is to sync through carpgate. The sync teaches wg0 (device
 * wg0, VHID 7); its restart is suppressed (BACKUP), so wg0 stays UP with its routes: the same black hole. The watch's
 * first read after the sync logged "conflict on the backup cleared" for the unknown-tunnel conflict and held the
 * item's conflict as seen once only: an all-clear line for a black hole nobody fixed. Now the item's conflict takes
 * the tunnel's place, since when it stood.
 */
class UnknownTunnelBecomesKnownTest {
    @Test
    void theSameTunnelNamedByItsItemIsNotCalledCleared() {
        CarpView.Known backup = new CarpView.Known(List.of(new BackupVip("v7", "opt2", 7, "198.51.100.7", "")),
                List.of(new VipState("WAN2", 7, "198.51.100.7", "BACKUP")), Instant.EPOCH);
        BackupNetwork net = new BackupNetwork(Map.of("wg0", true), Map.of(),
                List.of(new Route("10.77.0.0/24", "wg0")), Optional.of(Set.of()));
        WatchBook book = new WatchBook();
        book.found(ConflictDetector.judge(List.of(), backup, net), Instant.EPOCH);
        assertThat(book.found(ConflictDetector.judge(List.of(), backup, net), Instant.EPOCH.plusSeconds(5))
                .appeared()).hasSize(1);

        CarpItem wg0 = new CarpItem(ItemKind.WIREGUARD, "uuid-wg0", "wg-sites", true, Optional.of(7),
                Optional.of("opt2"), Optional.of("v7"), "", Optional.of(Instant.EPOCH.plusSeconds(60)),
                Optional.of("wg0"));
        WatchBook.Change afterSync = book.found(ConflictDetector.judge(List.of(wg0), backup, net),
                Instant.EPOCH.plusSeconds(65));

        assertThat(afterSync.cleared()).as("wg0 is still UP with its routes while BACKUP; standing now: %s",
                book.standing()).isEmpty();
    }
}
