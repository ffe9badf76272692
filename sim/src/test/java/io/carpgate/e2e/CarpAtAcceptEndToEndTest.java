package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * carpgate starts the backup's CARP read when an allowed client's connection is accepted, so the read overlaps the
 * master's TLS handshake and request; within the cache period a connection starts none.
 */
@EndToEnd
class CarpAtAcceptEndToEndTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("try") // the connection is held open on purpose while the read it started is awaited
    void anAllowedConnectionStartsARead() throws Exception {
        // carp-cache 1ms: every reading is stale by the next connection; no periodic read to confuse the count.
        try (Pair pair = Pair.start(dir, "limits: {carp-cache: 1ms, carp-refresh: off}\nwatch: {interval: off}\n", null)) {
            int atStart = awaitApiRequests(pair, 2, "the start-up read (two endpoints)");
            try (Socket bare = new Socket(InetAddress.getLoopbackAddress(), pair.carpgate.port())) {
                // Not one TLS byte sent: the read starts at the accept.
                awaitApiRequests(pair, atStart + 2, "a read started by the accept");
            }
        }
    }

    @Test
    @SuppressWarnings("try")
    void connectionsWithinTheCachePeriodShareTheReading() throws Exception {
        try (Pair pair = Pair.start(dir, "limits: {carp-cache: 2s, carp-refresh: off}\nwatch: {interval: off}\n", null)) {
            awaitApiRequests(pair, 2, "the start-up read");
            // Ten connections at once: at most one read on its way and the cache period hold, so they start at
            // most one more read between them (two requests), however many there are.
            long since = System.nanoTime();
            java.util.List<Socket> sockets = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    sockets.add(new Socket(InetAddress.getLoopbackAddress(), pair.carpgate.port()));
                }
                awaitAccepted(pair, 10);
                // One read in flight at a time and the 2 s cache period: at most one more read per period begun
                // since the start-up read landed (two requests each), however many connections; not one per connection.
                long periods = 1 + (System.nanoTime() - since) / Duration.ofSeconds(2).toNanos();
                assertThat(apiRequests(pair)).as("ten connections in " + periods + " cache period(s)")
                        .isLessThanOrEqualTo((int) (2 + 2 * periods)).isLessThan(2 + 2 * 10);
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    private static int apiRequests(Pair pair) {
        return (int) pair.backup.received().stream().filter(c -> c.path().startsWith("/api/")).count();
    }

    private static int awaitApiRequests(Pair pair, int atLeast, String what) {
        return org.awaitility.Awaitility.await(what).atMost(ExchangeRecorder.DEADLINE)
                .pollInterval(Duration.ofMillis(10)).until(() -> apiRequests(pair), n -> n >= atLeast);
    }

    /** Until carpgate holds {@code n} connections from loopback (each went through the accept). */
    private static void awaitAccepted(Pair pair, int n) {
        org.awaitility.Awaitility.await(n + " connections accepted").atMost(ExchangeRecorder.DEADLINE)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> pair.carpgate.server().connectionsFrom(InetAddress.getLoopbackAddress()) >= n);
    }
}
