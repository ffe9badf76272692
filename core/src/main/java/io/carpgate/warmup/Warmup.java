package io.carpgate.warmup;

import io.carpgate.config.Access;
import io.carpgate.config.ApiCredentials;
import io.carpgate.config.Backup;
import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.Limits;
import io.carpgate.config.LogSettings;
import io.carpgate.config.Mode;
import io.carpgate.config.PairConfig;
import io.carpgate.config.UpstreamTrust;
import io.carpgate.memory.PairMemories;
import io.carpgate.observe.ExchangeActivity;
import io.carpgate.observe.Sinks;
import io.carpgate.policy.OnUnknownCarp;
import io.carpgate.proxy.CarpgateServer;
import io.carpgate.tls.Fingerprint;
import io.carpgate.tls.TlsContexts;
import io.carpgate.watch.PairWatches;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The start-up warm-up: before carpgate listens, a round of a sync goes through the very code a master's
 * calls take, then more rounds in the background, so that the master's first calls meet loaded, initialised
 * and compiled code instead of a cold JVM.
 *
 * <p>It starts a second, private {@link CarpgateServer} exactly as carpgate's own is built (listener TLS with
 * carpgate's certificate, the sync path's stages, gate, patcher, CARP reading, forwarding over a pinned
 * connection), on loopback and a port the system picks, in front of a {@link StandInBackup}, and plays the
 * master ({@link WarmupClient}). No backup is contacted. It is handed no sinks ({@link Sinks#none()}), so nothing
 * reaches the access log, the decision log, the metrics, the status page or the console. A failure never stops
 * carpgate: it then starts cold and says why.
 */
public final class Warmup {
    /** Its pair's name: one no configured pair can have (names are letters, digits, '.', '_', '-'). */
    static final String PAIR = "(warm-up)";
    /** How often a background round standing aside looks again whether the master's sync is over. */
    private static final Duration STAND_ASIDE_STEP = Duration.ofMillis(50);

    /**
     * How much warm-up: {@code before} rounds of the four calls while carpgate builds the rest of itself, which then
     * waits for them before it listens (at most {@code beforeAtMost}; past it they go on in the background),
     * {@code after} more in the background once it listens, none begun after {@code budget}; a background call waits
     * until the real listener has seen no exchange for {@code standAside} (zero: never waits).
     */
    public record Plan(int before, Duration beforeAtMost, int after, Duration budget, Duration standAside) {
        /**
         * One round before listening takes the first call from about 250 to about 70 ms; it runs beside the building
         * of the rest of carpgate, which then waits for it, and the start takes some 0.5 s longer; the rest leave the JIT compilers warm within seconds, so that a sync that comes later is
         * served about as fast as by a long-running carpgate (docs/benchmarks.md, "Cold start").
         */
        public static final Plan DEFAULT = new Plan(1, Duration.ofSeconds(5), 60, Duration.ofSeconds(60),
                Duration.ofSeconds(1));
    }

    /** @param problem what went wrong, if anything (carpgate runs anyway) */
    public record Result(int calls, Duration took, Optional<String> problem) {
        public String describe() {
            return "warm-up: " + calls + " calls over loopback through TLS, reading, gate, patch and forwarding in "
                    + took.toMillis() + " ms (no backup contacted)" + problem.map(p -> "; stopped: " + p).orElse("");
        }
    }

    private Warmup() {}

    /**
     * Starts the warm-up on a daemon thread and returns at once: {@code plan.before()} rounds run while the caller goes
     * on starting, which then waits for them ({@link Running#awaitBefore}) before it opens its listener and says so
     * ({@link Running#listening}); only then may the {@code plan.after()} background rounds begin, so that they never
     * take the CPU of the start itself.
     *
     * @param keyStore the listener's certificate and key, as the real listener uses them
     * @param certificate their fingerprint: the stand-in backup presents the same pair, and the warm-up pins it
     * @param report gets the result once every round is done
     */
    public static Running start(KeyStore keyStore, char[] password, Fingerprint certificate, Plan plan,
                                ExchangeActivity activity, Consumer<Result> report) {
        Running running = new Running(plan.beforeAtMost());
        Thread thread = new Thread(() -> {
            long start = System.nanoTime();
            long deadline = start + plan.budget().toNanos();
            Optional<String> problem = Optional.empty();
            try (Rig rig = Rig.start(keyStore, password, certificate)) {
                problem = rounds(rig, plan.before(), deadline, running.calls, () -> !running.abandoned);
                running.beforeDone.countDown();
                if (problem.isEmpty() && plan.after() > 0) {
                    problem = running.awaitListening(deadline)
                            ? rounds(rig, plan.after(), deadline, running.calls,
                                    () -> !running.abandoned && awaitQuiet(activity, plan, deadline))
                            : Optional.of(running.abandoned ? "carpgate did not start" : "carpgate did not listen in time");
                }
            } catch (Exception e) {
                problem = Optional.of(e.toString());
            } finally {
                running.beforeDone.countDown();
            }
            report.accept(new Result(running.calls.get(), Duration.ofNanos(System.nanoTime() - start), problem));
        }, "carpgate-warmup");
        thread.setDaemon(true);
        thread.start();
        return running;
    }

    /** A warm-up under way, as its starter sees it. */
    public static final class Running {
        private final Duration beforeAtMost;
        private final CountDownLatch beforeDone = new CountDownLatch(1);
        private final CountDownLatch listening = new CountDownLatch(1);
        private volatile boolean abandoned;
        /** Calls made so far (by the warm-up's thread; read by tests). */
        private final AtomicInteger calls = new AtomicInteger();

        private Running(Duration beforeAtMost) {
            this.beforeAtMost = beforeAtMost;
        }

        /**
         * Waits until the rounds before listening are done, at most {@code plan.beforeAtMost()}: past it they go on in
         * the background and the caller listens anyway.
         */
        public void awaitBefore() {
            try {
                beforeDone.await(beforeAtMost.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The listener is open: the background rounds may begin (each still stands aside while a master syncs). */
        public void listening() {
            listening.countDown();
        }

        /**
         * The start failed: no further call is made (the one under way finishes), no background round begins, and the
         * rig closes; the report says so.
         */
        public void abandon() {
            abandoned = true;
            listening.countDown();
        }

        /** The calls made so far. */
        int calls() {
            return calls.get();
        }

        /** False when abandoned, interrupted or out of budget before the listener opened. */
        private boolean awaitListening(long deadline) {
            try {
                return listening.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) && !abandoned;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Waits until no master's exchange was seen for {@code plan.standAside()} (a master's calls come tens of ms
     * apart during a sync), so that the background rounds never take the CPU of a real sync; false when the
     * budget ran out meanwhile.
     */
    private static boolean awaitQuiet(ExchangeActivity activity, Plan plan, long deadline) {
        while (!activity.quietFor(plan.standAside())) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(STAND_ASIDE_STEP.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static Optional<String> rounds(Rig rig, int rounds, long deadline, AtomicInteger calls,
                                           java.util.function.BooleanSupplier mayGoOn) {
        try {
            for (int round = 0; round < rounds && System.nanoTime() < deadline; round++) {
                for (WarmupCalls.Call call : WarmupCalls.all()) {
                    if (!mayGoOn.getAsBoolean()) {
                        return Optional.empty();
                    }
                    String answer = rig.master().call(call.body());
                    calls.incrementAndGet();
                    if (!answer.startsWith("HTTP/1.1 200") || !call.expected().test(answer)) {
                        return Optional.of(call.name() + " was not answered as expected");
                    }
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of(e.toString());
        }
    }

    /** The warm-up's own carpgate, the stand-in backup behind it, and its master. */
    private record Rig(StandInBackup.Serving backup, CarpgateServer carpgate, WarmupClient master)
            implements AutoCloseable {
        static Rig start(KeyStore keyStore, char[] password, Fingerprint certificate) throws Exception {
            StandInBackup.Serving backup = StandInBackup.serve(TlsContexts.server(keyStore, password));
            try {
                // A private carpgate: no sinks, so nothing of it reaches the logs, the metrics or the status page;
                // no state folder and a watch book of its own, so what it learns is forgotten with it (its memory
                // encodes each change as a file would hold it, and drops it: that code is warm for the first
                // restore a real pair stores).
                CarpgateServer carpgate = CarpgateServer.start(config(backup, certificate),
                        TlsContexts.server(keyStore, password), Sinks.none(),
                        PairMemories.rehearsal(Clock.systemUTC()), new PairWatches());
                return new Rig(backup, carpgate, new WarmupClient(carpgate.port()));
            } catch (Exception e) {
                backup.close();
                throw e;
            }
        }

        /**
         * One pair whose backup is the stand-in (pinned), its instances in a VHID map; defaults otherwise. Built as
         * the loader builds a configuration, so no file is written or read (the paths name nothing).
         */
        private static CarpgateConfig config(StandInBackup.Serving backup, Fingerprint certificate) {
            Path nowhere = Path.of("(warm-up)");
            PairConfig pair = new PairConfig(PAIR, "/", new Backup(backup.url(), new UpstreamTrust.Pin(certificate),
                    new ApiCredentials("warm-up", "warm-up")), WarmupCalls.vhidMap(), OnUnknownCarp.SUPPRESS);
            return new CarpgateConfig(nowhere.resolve("warm-up.yml"), new CarpgateConfig.Listen("127.0.0.1", 0),
                    new CarpgateConfig.TlsFiles(nowhere.resolve("carpgate.crt"), nowhere.resolve("carpgate.key")),
                    List.of(pair), LogSettings.defaults(nowhere.resolve("logs")), Limits.defaults(), Access.loopbackOnly(),
                    Mode.ENFORCE, Optional.empty(), List.of(), List.of(), Optional.empty(),
                    new io.carpgate.config.WatchSettings(java.time.Duration.ZERO)); // the stand-in has no network to watch
        }

        @Override
        public void close() {
            try {
                carpgate.close();
            } finally {
                backup.close();
            }
        }
    }

}
