package io.carpgate.testkit;

import java.util.List;
import java.util.Set;

/** The threads a test started and left running: those alive now that were not before. */
public final class NewThreads {
    private NewThreads() {}

    public static Set<Thread> now() {
        return Thread.getAllStackTraces().keySet();
    }

    /**
     * Names of the threads alive now and not in {@code before}, but for the JVM's and the Prometheus client's own,
     * which they start once for good when first needed (whoever needs them first).
     */
    public static List<String> since(Set<Thread> before) {
        return now().stream().filter(t -> t.isAlive() && !before.contains(t)).map(Thread::getName)
                .filter(n -> !n.equals("CompletableFutureDelayScheduler") && !n.startsWith("prometheus-metrics-scheduler")
                        && !n.startsWith("process reaper"))
                .sorted().toList();
    }
}
