package io.carpgate.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Notices when the configuration or a file it names (VHID maps, credentials, CA, certificate) changes.
 * It compares content digests rather than modification times or inotify events, which miss editors that
 * replace files, bind mounts and Kubernetes ConfigMaps. A change is reported once the files have stayed
 * the same for one more interval, so a file caught half-written is not applied.
 */
public final class ConfigWatcher implements AutoCloseable {
    private final Supplier<List<Path>> inputs;
    private final Runnable onChange;
    private final ScheduledExecutorService timer;
    private final java.util.concurrent.atomic.AtomicLong looks = new java.util.concurrent.atomic.AtomicLong();
    private Map<Path, String> applied;
    private Map<Path, String> pending;

    private ConfigWatcher(Supplier<List<Path>> inputs, Runnable onChange) {
        this.inputs = inputs;
        this.onChange = onChange;
        this.applied = digests(inputs.get());
        this.pending = applied;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "carpgate-config-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param inputs   the files to watch, asked again after each change (a reload may name new files)
     * @param onChange called on the watcher's thread when the files changed and then held still
     */
    public static ConfigWatcher start(Supplier<List<Path>> inputs, Duration interval, Runnable onChange) {
        ConfigWatcher watcher = new ConfigWatcher(inputs, onChange);
        watcher.timer.scheduleWithFixedDelay(watcher::poll, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return watcher;
    }

    /**
     * Reloads now (SIGHUP), on the watcher's thread so reloads never overlap; the files as they are then
     * count as applied, so the watch does not reload the same change a second time.
     */
    public void reloadNow() {
        timer.execute(this::reload);
    }

    private synchronized void reload() {
        try {
            onChange.run();
        } finally {
            applied = digests(inputs.get());
            pending = applied;
        }
    }

    /** How many times the files were looked at: tests wait for looks instead of sleeping. */
    long looks() {
        return looks.get();
    }

    /** One look now, on the caller's thread (tests drive the watch step by step this way). */
    synchronized void poll() {
        try {
            look();
        } finally {
            looks.incrementAndGet();
        }
    }

    private void look() {
        Map<Path, String> now = digests(inputs.get());
        if (now.equals(applied)) {
            pending = applied;
            return;
        }
        if (!now.equals(pending)) {
            pending = now; // changed since the last look: wait for it to hold still
            return;
        }
        reload(); // the reload may name other files: reload() remembers what they all hold now
    }

    /** SHA-256 of each file's content; "missing" or "unreadable: ..." when there is none to read. */
    static Map<Path, String> digests(List<Path> files) {
        Map<Path, String> out = new LinkedHashMap<>();
        for (Path file : files) {
            out.put(file, digest(file));
        }
        return out;
    }

    private static String digest(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            return "missing";
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
