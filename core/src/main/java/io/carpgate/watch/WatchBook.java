package io.carpgate.watch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the watch has found on one pair's backup: the conflicts standing now and since when, and how its last read
 * went. One per pair and backup for as long as carpgate runs (a reload hands the same book to the new runtime, so
 * a conflict's since-when and its one WARNING survive it).
 */
public final class WatchBook {
    /** A conflict and when the watch first saw it. */
    public record Standing(Conflict conflict, Instant since) {}

    /** What changed with one read: the conflicts that appeared and those that cleared. */
    public record Change(List<Standing> appeared, List<Standing> cleared) {
        public boolean none() {
            return appeared.isEmpty() && cleared.isEmpty();
        }
    }

    /** The last read: when, and why it failed (empty when it answered). */
    public record LastRead(Instant at, Optional<String> problem) {}

    private final AtomicReference<Map<String, Standing>> standing = new AtomicReference<>(Map.of());
    private final AtomicReference<LastRead> last = new AtomicReference<>();
    private final AtomicLong reads = new AtomicLong();

    /** A read answered: {@code found} is every conflict now. Called by one read at a time. */
    public synchronized Change found(List<Conflict> found, Instant at) {
        Map<String, Standing> before = standing.get();
        Map<String, Standing> now = new LinkedHashMap<>();
        List<Standing> appeared = new ArrayList<>();
        for (Conflict c : found) {
            Standing was = before.get(c.key());
            // The same conflict keeps its since-when; its text follows what the backup says now (its routes).
            Standing is = new Standing(c, was == null ? at : was.since());
            now.put(c.key(), is);
            if (was == null) {
                appeared.add(is);
            }
        }
        List<Standing> cleared = before.values().stream().filter(s -> !now.containsKey(s.conflict().key())).toList();
        standing.set(Map.copyOf(now));
        last.set(new LastRead(at, Optional.empty()));
        reads.incrementAndGet();
        return new Change(appeared, cleared);
    }

    /** A read failed: what stands is kept (nothing is known to have changed), the failure remembered. */
    public synchronized void failed(String reason, Instant at) {
        last.set(new LastRead(at, Optional.of(reason)));
        reads.incrementAndGet();
    }

    /** The conflicts standing, oldest first. Never reads. */
    public List<Standing> standing() {
        return standing.get().values().stream().sorted(java.util.Comparator.comparing(Standing::since)
                .thenComparing(s -> s.conflict().key())).toList();
    }

    public Optional<LastRead> lastRead() {
        return Optional.ofNullable(last.get());
    }

    /** Reads completed so far (answered or failed): for tests that wait for a read after some moment. */
    public long reads() {
        return reads.get();
    }
}
