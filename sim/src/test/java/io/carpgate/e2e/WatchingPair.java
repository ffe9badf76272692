package io.carpgate.e2e;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.carpgate.watch.BackupWatch;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;

/**
 * What the watch tests look at of a running pair: its watch's console lines, its metrics and status page, and how
 * often the watch has read the backup. Each test class starts its pair and hands it to {@link #watching}.
 */
abstract class WatchingPair {
    static final Duration DEADLINE = Duration.ofSeconds(30);

    Pair pair;
    final RawHttps http = new RawHttps();
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final ch.qos.logback.classic.Logger watchLog =
            (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(BackupWatch.class);

    /** After the start: the logging set-up a start runs replaces the appenders. */
    void watching(Pair started) {
        pair = started;
        logged.start();
        watchLog.addAppender(logged);
    }

    @AfterEach
    void stop() {
        watchLog.detachAppender(logged);
        if (pair != null) {
            pair.close();
        }
    }

    URI admin(String path) {
        return URI.create("http://127.0.0.1:" + pair.carpgate.admin().orElseThrow().port() + path);
    }

    String metrics() throws Exception {
        return http.get(admin("/metrics")).text();
    }

    String awaitMetrics(String what, Predicate<String> condition) {
        return Awaitility.await(what).atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(this::metrics, condition);
    }

    List<String> warnings(String containing) {
        synchronized (logged) {
            return logged.list.stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(containing)).toList();
        }
    }

    /** The watch's reads of the backup's network so far (each asks get_routes once). */
    long reads() {
        return pair.backup.received().stream().filter(c -> c.path().equals("/api/diagnostics/interface/get_routes"))
                .count();
    }

    /** Waits until the watch has read the backup {@code n} more times: the conflicts seen now have been seen again. */
    void awaitReads(int n) {
        long from = reads();
        Awaitility.await(n + " more reads by the watch").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> reads() >= from + n);
    }
}
