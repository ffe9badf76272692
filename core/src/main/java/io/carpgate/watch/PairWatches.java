package io.carpgate.watch;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Each pair's {@link WatchBook}, above the per-pair runtimes, so a reload never loses a conflict's since-when. */
public final class PairWatches {
    private final ConcurrentMap<String, WatchBook> books = new ConcurrentHashMap<>();

    /** The book of a pair and backup: the same object for as long as carpgate runs. */
    public WatchBook of(String pair, String backup) {
        return books.computeIfAbsent(pair + " " + backup, k -> new WatchBook());
    }
}
