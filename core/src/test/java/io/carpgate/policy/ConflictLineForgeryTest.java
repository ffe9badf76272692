package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpReading;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.memory.BackupOutcome;
import io.carpgate.memory.PairMemory;
import io.carpgate.watch.BackupNetwork;
import io.carpgate.watch.BackupWatch;
import io.carpgate.watch.Route;
import io.carpgate.watch.WatchBook;
import io.carpgate.watch.WatchReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.Scheduler;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The console's WARNING for a conflict the watch finds names the item and the networks routed into it. An item's name
 * is the master's text (a restore's {@code name}, which XML lets carry {@code &#10;}); a route destination is the
 * backup's (get_routes), a compromised backup's to choose. Neither may start a forged console line, nor make one of
 * megabytes (docs/production.md: console lines keep no control or line-separator characters).
 */
class ConflictLineForgeryTest {
    private static final String VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    private static final String FORGED = "2026-12-07T10:00:00.000+00:00 INFO  r.Carpgate - pair default: conflict on "
            + "the backup cleared";

    /** Keeps what is scheduled; the test runs it when it says (the read that confirms a conflict). */
    private static final class Now extends org.eclipse.jetty.util.component.AbstractLifeCycle implements Scheduler {
        final java.util.List<Runnable> due = new java.util.ArrayList<>();

        @Override
        public Task schedule(Runnable task, long delay, TimeUnit units) {
            due.add(task);
            return () -> false;
        }

        void runDue() {
            java.util.List<Runnable> now = new java.util.ArrayList<>(due);
            due.clear();
            now.forEach(Runnable::run);
        }
    }

    /**
     * The console lines of the watch when wg0, named {@code name} in a stored restore, is up with {@code routes} on
     * a backup that is BACKUP for its VHID: two reads, so that the conflict is announced.
     */
    private static List<String> consoleLines(String name, List<Route> routes) {
        Calls c = new Calls();
        CarpView.Known carp = new CarpView.Known(List.of(new BackupVip(VIP7, "opt2", 7, "198.51.100.5", "WAN2")),
                List.of(new VipState("WAN2", 7, "198.51.100.5", "BACKUP")), Instant.EPOCH);
        PairMemory memory = PairMemory.inProcess("default", Clock.systemUTC());
        Gatekeeper gatekeeper = new Gatekeeper("default", VhidMap.none(), new io.carpgate.testkit.FixedCarp(carp),
                OnUnknownCarp.SUPPRESS, memory, Duration.ofSeconds(5), vips -> { });
        var server = c.struct("@attributes", c.struct("uuid", GateTest.WG0), "enabled", "1",
                "name", name, "instance", "0", "carp_depend_on", VIP7);
        var restore = c.call("opnsense.restore_config_section", c.struct("OPNsense", c.struct("wireguard",
                c.struct("general", c.struct("enabled", "1"), "server", c.struct("servers", c.struct("server", server)))),
                "virtualip", c.struct("vip", c.vip(VIP7, "opt2", "7"))));
        gatekeeper.decide(restore).pending().settle(new BackupOutcome.Stored());

        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> console = new ListAppender<>();
        console.setContext(context);
        console.start();
        context.getLogger(BackupWatch.class).addAppender(console);
        try {
            BackupNetwork wg0Up = new BackupNetwork(Map.of("wg0", true), Map.of(), routes, Optional.of(Set.of()));
            Now now = new Now();
            BackupWatch watch = new BackupWatch("default", new WatchBook(), () -> memory.book().all(),
                    () -> CompletableFuture.completedFuture(new CarpReading(carp, Instant.now())),
                    () -> CompletableFuture.completedFuture(new WatchReader.Answer.Read(wg0Up)), now,
                    Duration.ofSeconds(60), Duration.ofSeconds(5), Clock.systemUTC(), () -> { });
            watch.start();
            now.runDue(); // the next reads: the conflict is announced once a second read sees it
            watch.close();
        } finally {
            context.getLogger(BackupWatch.class).detachAppender(console);
        }
        List<String> lines = console.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).as("the conflict was announced").anyMatch(l -> l.contains("conflict on the backup"));
        return lines;
    }

    @Test
    void aNameWithALineEndDoesNotForgeAConsoleLine() {
        // What the reader hands over for <name>wg-sites&#10;FORGED</name>.
        assertThat(consoleLines("wg-sites\n" + FORGED, List.of())).allSatisfy(line -> assertThat(line)
                .as("one console line per message: no line end from the master's name").doesNotContain("\n"));
    }

    @Test
    void aRouteDestinationFromTheBackupNeitherForgesNorFloodsAConsoleLine() {
        // What a compromised backup's get_routes may say: a destination with a line end, and one of 1 MiB.
        String huge = "10.".repeat(350_000);
        String forged = "10.0.0.0/8\n" + FORGED;
        List<String> lines = consoleLines("wg-sites", List.of(new Route(forged, "wg0"), new Route(huge, "wg0"),
                new Route("10.77.0.0/24", "wg0")));
        assertThat(lines).allSatisfy(line -> assertThat(line)
                .as("one console line per message: no line end from the backup's routing table").doesNotContain("\n"));
        assertThat(lines).allSatisfy(line -> assertThat(line.length())
                .as("a console line's length, whatever the backup's routing table holds").isLessThan(32 * 1024));
        assertThat(lines).as("a destination as netstat writes it is shown; the others are counted")
                .anyMatch(l -> l.contains("10.77.0.0/24") && l.contains("(" + forged.length() + " chars not shown)")
                        && l.contains("(" + huge.length() + " chars not shown)"));
    }
}
