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

    /**
     * What changed with one read: the conflicts that appeared and those that cleared, and whether it saw a conflict
     * for the first time, which the next read must confirm before it is announced ({@code unconfirmed}).
     */
    public record Change(List<Standing> appeared, List<Standing> cleared, boolean unconfirmed) {
        public Change(List<Standing> appeared, List<Standing> cleared) {
            this(appeared, cleared, false);
        }

        public boolean none() {
            return appeared.isEmpty() && cleared.isEmpty();
        }
    }

    /** The last read: when, and why it failed (empty when it answered). */
    public record LastRead(Instant at, Optional<String> problem) {}

    private final AtomicReference<Map<String, Standing>> standing = new AtomicReference<>(Map.of());
    /** Conflicts one read saw that the read before it did not: announced only if the next read sees them too. */
    private Map<String, Standing> seenOnce = Map.of();
    private final AtomicReference<LastRead> last = new AtomicReference<>();
    private final AtomicLong reads = new AtomicLong();

    /** A read answered, and judged every item: {@code found} is every conflict now. */
    public Change found(List<Conflict> found, Instant at) {
        return found(new ConflictDetector.Detection(found, java.util.Set.of()), at);
    }

    /**
     * A read answered: {@code found} is every conflict now. A conflict is announced (it appears, and stands) once two
     * reads in a row saw it, since the first: a read in the seconds the backup's own CARP hook takes to bring a tunnel
     * down (or a relay up) after a failover sees a conflict that is not one. A standing conflict clears when a read
     * judged its item and found it right; one whose item this read could not judge stands. One read at a time.
     */
    public synchronized Change found(ConflictDetector.Detection found, Instant at) {
        Map<String, Standing> before = standing.get();
        Map<String, Standing> now = new LinkedHashMap<>();
        Map<String, Standing> once = new LinkedHashMap<>();
        List<Standing> appeared = new ArrayList<>();
        java.util.Set<String> renamed = new java.util.HashSet<>();
        // The same tunnel under another name: a tunnel nobody claimed, now claimed by the item a sync taught (or the
        // other way round). It stood; it is not cleared, and the item's conflict stands at once, since then.
        Map<String, Standing> byDevice = new LinkedHashMap<>();
        for (Standing s : before.values()) {
            if (s.conflict().problem() != Problem.RELAY_DOWN_WHILE_MASTER) {
                byDevice.putIfAbsent(s.conflict().device(), s);
            }
        }
        for (Conflict c : found.conflicts()) {
            Standing was = before.get(c.key());
            if (was == null && c.problem() != Problem.RELAY_DOWN_WHILE_MASTER) {
                Standing sameTunnel = byDevice.get(c.device());
                if (sameTunnel != null
                        && found.conflicts().stream().noneMatch(f -> f.key().equals(sameTunnel.conflict().key()))) {
                    now.put(c.key(), new Standing(c, sameTunnel.since()));
                    renamed.add(sameTunnel.conflict().key());
                    continue;
                }
            }
            Standing first = seenOnce.get(c.key());
            if (was == null && first == null) {
                once.put(c.key(), new Standing(c, at));
                continue;
            }
            // The same conflict keeps its since-when; its text follows what the backup says now (its routes).
            Standing is = new Standing(c, was != null ? was.since() : first.since());
            now.put(c.key(), is);
            if (was == null) {
                appeared.add(is);
            }
        }
        for (Standing s : before.values()) {
            if (!now.containsKey(s.conflict().key()) && found.unjudged().contains(s.conflict().itemKey())) {
                now.put(s.conflict().key(), s); // not judged now: nothing says it was put right
            }
        }
        List<Standing> cleared = before.values().stream().filter(s -> !now.containsKey(s.conflict().key())
                && !renamed.contains(s.conflict().key())).toList();
        seenOnce = Map.copyOf(once);
        standing.set(Map.copyOf(now));
        last.set(new LastRead(at, Optional.empty()));
        reads.incrementAndGet();
        return new Change(appeared, cleared, !once.isEmpty());
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
