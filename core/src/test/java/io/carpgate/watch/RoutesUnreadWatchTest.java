package io.carpgate.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpReading;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The watch goes on when the routing table cannot be read (a BGP feed passes 4 MiB), but a tunnel nobody claims is
 * named by its routes. An announced one was logged "cleared" the moment the table grew past what carpgate reads, though
 * wg5 was still up; and, once kept standing, it never cleared after a failover (the backup MASTER for VHID 7, wg5
 * rightly up) or once a sync taught the item that claims it. With the routes unread it now stands while the backup is
 * still MASTER for no VHID and no item claims the tunnel, and clears otherwise.
 */
class RoutesUnreadWatchTest {
    private final BackupWatchTest.HandScheduler scheduler = new BackupWatchTest.HandScheduler();
    private final List<CompletableFuture<WatchReader.Answer>> reads = new ArrayList<>();
    private final WatchBook book = new WatchBook();

    private static CarpReading reading(String state) {
        return new CarpReading(new CarpView.Known(List.of(new BackupVip("v7", "opt2", 7, "198.51.100.7", "")),
                List.of(new VipState("WAN2", 7, "198.51.100.7", state)), Instant.EPOCH), Instant.EPOCH);
    }

    private BackupWatch standingUnknownWg5(AtomicReference<CarpReading> carp, AtomicReference<List<CarpItem>> items) {
        BackupWatch watch = new BackupWatch("p", book, items::get,
                () -> CompletableFuture.completedFuture(carp.get()), () -> {
                    CompletableFuture<WatchReader.Answer> f = new CompletableFuture<>();
                    reads.add(f);
                    return f;
                }, scheduler, Duration.ofSeconds(60), Duration.ofSeconds(5), Clock.systemUTC(), () -> { });
        BackupNetwork routed = new BackupNetwork(Map.of("wg5", true), Map.of(),
                List.of(new Route("10.55.0.0/24", "wg5")), Optional.of(Set.of()));
        watch.start();
        reads.get(0).complete(new WatchReader.Answer.Read(routed));
        scheduler.runDue();
        reads.get(1).complete(new WatchReader.Answer.Read(routed));
        assertThat(book.standing()).as("confirmed by two reads").hasSize(1);
        return watch;
    }

    private static WatchReader.Answer routesUnread() {
        return new WatchReader.Answer.Read(new BackupNetwork(Map.of("wg5", true), Map.of(), List.of(),
                Optional.of(Set.of())), Optional.of("answer larger than 4194304 bytes"));
    }

    /** Completes the read under way (which took the CARP state before the change), then one that starts after it. */
    private void readWithRoutesUnread() {
        int started = reads.size();
        reads.get(started - 1).complete(routesUnread());
        for (int i = 0; i < 4 && reads.size() == started; i++) {
            scheduler.runDue();
        }
        assertThat(reads).hasSize(started + 1);
        reads.get(started).complete(routesUnread());
    }

    @Test
    void afterAFailoverTheUnknownTunnelConflictClears() {
        AtomicReference<CarpReading> carp = new AtomicReference<>(reading("BACKUP"));
        BackupWatch watch = standingUnknownWg5(carp, new AtomicReference<>(List.of()));
        carp.set(reading("MASTER"));
        readWithRoutesUnread();
        assertThat(book.standing()).as("the backup is MASTER for VHID 7: a tunnel up there is no unknown-tunnel "
                + "conflict, routes or not").isEmpty();
        watch.close();
    }

    @Test
    void onceAnItemOnAMasterVhidClaimsTheTunnelItsUnknownConflictClears() {
        AtomicReference<CarpReading> carp = new AtomicReference<>(reading("BACKUP"));
        AtomicReference<List<CarpItem>> items = new AtomicReference<>(List.of());
        BackupWatch watch = standingUnknownWg5(carp, items);
        carp.set(reading("MASTER"));
        items.set(List.of(new CarpItem(ItemKind.WIREGUARD, "u5", "wg5-site", true, Optional.of(7), Optional.of("opt2"),
                Optional.of("v7"), "VHID 7 from the restore", Optional.of(Instant.EPOCH), Optional.of("wg5"))));
        readWithRoutesUnread();
        assertThat(book.standing()).as("wg5 is claimed by an item whose VHID the backup is MASTER for").isEmpty();
        watch.close();
    }

    @Test
    void whileTheBackupIsStillMasterForNoVhidTheUnknownTunnelConflictStands() {
        AtomicReference<CarpReading> carp = new AtomicReference<>(reading("BACKUP"));
        BackupWatch watch = standingUnknownWg5(carp, new AtomicReference<>(List.of()));
        readWithRoutesUnread();
        assertThat(book.standing()).as("wg5 is still up on a backup MASTER for no VHID; only the routes went unread")
                .hasSize(1);
        watch.close();
    }
}
