package io.carpgate.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpReading;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.policy.CarpItem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The watch goes on when the routing table cannot be read (the table empty, routesUnread), but a tunnel nobody claims
 * is named by its routes: an announced one was logged "cleared" the moment the table grew past what carpgate reads (a
 * BGP feed), though wg5 was still up and nothing was judged right. Unread routes leave such a conflict standing.
 */
class RoutesUnreadWatchTest {
    private final BackupWatchTest.HandScheduler scheduler = new BackupWatchTest.HandScheduler();
    private final List<CompletableFuture<WatchReader.Answer>> reads = new ArrayList<>();
    private final WatchBook book = new WatchBook();
    private static final CarpReading ALL_BACKUP = new CarpReading(new CarpView.Known(
            List.of(new BackupVip("v7", "opt2", 7, "198.51.100.7", "")),
            List.of(new VipState("WAN2", 7, "198.51.100.7", "BACKUP")), Instant.EPOCH), Instant.EPOCH);

    @Test
    void anUnknownTunnelConflictStandsWhileTheRoutesCannotBeRead() {
        BackupWatch watch = new BackupWatch("p", book, () -> List.<CarpItem>of(),
                () -> CompletableFuture.completedFuture(ALL_BACKUP), () -> {
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

        // The table grew past 4 MiB: the read goes on without it, wg5 still up.
        scheduler.runDue();
        assertThat(reads).hasSize(3);
        reads.get(2).complete(new WatchReader.Answer.Read(new BackupNetwork(Map.of("wg5", true), Map.of(), List.of(),
                Optional.of(Set.of())), Optional.of("answer larger than 4194304 bytes")));

        assertThat(book.standing()).as("wg5 is still up on a backup MASTER for no VHID; only the routes went unread")
                .hasSize(1);
        watch.close();
    }
}
