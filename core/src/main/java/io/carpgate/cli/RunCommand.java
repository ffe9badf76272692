package io.carpgate.cli;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigException;
import io.carpgate.config.ConfigLoader;
import io.carpgate.config.ConfigWatcher;
import io.carpgate.observe.LogSetup;
import io.carpgate.runtime.Carpgate;
import io.carpgate.warmup.Warmup;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Start the proxy. Exit status 2 on a configuration or map error, 1 when it cannot start "
                + "(a port taken, a certificate or log folder it cannot write).")
final class RunCommand implements Callable<Integer> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunCommand.class);
    /** How often the configuration's files are compared with what is in force. */
    static final java.time.Duration WATCH_INTERVAL = java.time.Duration.ofSeconds(2);

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "YAML configuration (make it from conf/examples/carpgate.yml)")
    Path config;

    @Option(names = "--no-warm-up", description = "Skip the warm-up: by default carpgate sends a few rounds of a "
            + "sync through its own code over loopback (one before it listens, more in the background; no backup is "
            + "contacted and nothing is logged), so that the master's first calls do not meet a cold JVM.")
    boolean noWarmUp;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        java.util.Optional<String> first = FirstConfiguration.hint(config);
        if (first.isPresent()) {
            System.err.println(first.get());
            return 2;
        }
        CarpgateConfig loaded;
        try {
            loaded = ConfigLoader.load(config, System.getenv());
        } catch (ConfigException e) {
            System.err.println("carpgate: configuration error: " + e.getMessage());
            return 2;
        }
        try {
            LogSetup.configure(loaded.logs());
        } catch (LogSetup.Unwritable e) {
            System.err.println("carpgate: cannot start: " + e.getMessage());
            return 1;
        }
        StartupCache.describe().ifPresent(out::println);
        Carpgate running;
        try {
            running = Carpgate.start(loaded, out, java.util.List.of(),
                    noWarmUp ? Optional.empty() : Optional.of(Warmup.Plan.DEFAULT));
        } catch (ConfigException e) {
            System.err.println("carpgate: configuration error: " + e.getMessage());
            return 2;
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            // An AccessDeniedException's message is the file name alone.
            System.err.println("carpgate: cannot start: " + e.getMessage()
                    + (e instanceof java.nio.file.AccessDeniedException ? ": permission denied" : "") + cause(e));
            return 1;
        }
        out.println("carpgate listening on https://" + loaded.listen().host() + ":" + running.port() + "/");
        for (io.carpgate.config.PairConfig pair : loaded.pairs()) {
            out.println("pair " + pair.name() + ": on its master, set Synchronize Config to "
                    + pair.masterUrl("<this host>", running.port()) + " (backup " + pair.backup().url() + ")");
        }
        out.println("logs: " + loaded.logsDir().toAbsolutePath());
        // Both ways of asking for a reload run it on the watcher's one thread: never two at once, never twice.
        ConfigWatcher watcher = ConfigWatcher.start(() -> running.server().config().inputs(), WATCH_INTERVAL,
                () -> running.reload(System.getenv()));
        // SIGHUP also reopens the log files, as nginx does on USR1: an external rotation by rename loses nothing.
        java.util.Optional<String> noSignal = Hangup.onHangup(() -> {
            LogSetup.reopen().forEach(problem -> LOG.error("SIGHUP: a log file could not be reopened: {}", problem));
            watcher.reloadNow();
        });
        String files = loaded.source().getFileName() + " or a file it names changes";
        if (noSignal.isPresent()) {
            out.println("WARNING: " + noSignal.get());
            out.println("reloads when " + files + " (not on SIGHUP)");
        } else {
            out.println("reloads on SIGHUP and when " + files);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                watcher.close();
                running.close();
            } catch (Exception e) {
                System.err.println("carpgate: shutdown: " + e.getMessage());
            }
        }, "carpgate-shutdown"));
        running.join();
        return 0;
    }

    /** Jetty's "Failed to bind to ..." says nothing of why: the innermost cause's words, when they add something. */
    private static String cause(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root == e || message == null || String.valueOf(e.getMessage()).contains(message) ? "" : " (" + message + ")";
    }
}
