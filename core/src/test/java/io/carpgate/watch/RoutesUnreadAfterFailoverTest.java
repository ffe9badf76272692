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
 * An unknown-tunnel conflict is one only on a backup MASTER for no VHID, and only while no item claims the tunnel. With
 * the routes unread, such a conflict was kept standing whenever the device was up: after a failover (the backup MASTER
 * for VHID 7, wg5 rightly up) or once a sync taught the item that claims wg5 on its MASTER VHID, it never cleared: a
 * red row, a conflicts gauge of 1 and `check` exit 1 for as long as the table is too large to read (a BGP feed).
 */
class RoutesUnreadAfterFailoverTest {
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
}
