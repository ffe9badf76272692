package io.carpgate.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JVM's metrics join at the first scrape after {@link Metrics#instrumentJvm} (not at the start, whose CPU a
 * master waits for); metrics that were never asked for them (the warm-up's) have none; first scrapes at once
 * register them once, each answered in full.
 */
class MetricsJvmTest {
    private static final List<String> JVM_SERIES = List.of("jvm_memory_used_bytes{area=\"heap\"}", "jvm_threads_current",
            "process_cpu_seconds_total", "jvm_gc_collection_seconds_count");

    @Test
    void theJvmsMetricsAreInTheFirstScrapeOnceAskedFor() throws Exception {
        Metrics metrics = new Metrics("test");
        metrics.instrumentJvm();
        assertThat(metrics.jvmRegistered()).as("asked for, not yet registered: the start does not pay for it").isFalse();
        String first = scrape(metrics);
        assertThat(metrics.jvmRegistered()).isTrue();
        assertThat(first).contains(JVM_SERIES).contains("carpgate_build_info");
        assertThat(scrape(metrics)).contains(JVM_SERIES);
    }

    @Test
    void metricsNotAskedForTheJvmHaveNone() throws Exception {
        assertThat(scrape(new Metrics("test"))).contains("carpgate_build_info").doesNotContain("jvm_", "process_cpu");
    }

    @Test
    void firstScrapesAtOnceRegisterTheJvmsMetricsOnce() throws Exception {
        Metrics metrics = new Metrics("test");
        metrics.instrumentJvm();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<String>> scrapes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                scrapes.add(() -> scrape(metrics));
            }
            for (Future<String> answer : pool.invokeAll(scrapes, 60, TimeUnit.SECONDS)) {
                // Each scrape either registered the JVM's metrics or waited until they were: every series is in it
                // (process_cpu_seconds_total is registered last, so a scrape of a half-registered registry lacks it).
                String text = answer.get();
                assertThat(text).contains(JVM_SERIES);
                assertThat(text.lines().filter(l -> l.startsWith("# TYPE jvm_threads_current ")).count()).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String scrape(Metrics metrics) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.write(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
