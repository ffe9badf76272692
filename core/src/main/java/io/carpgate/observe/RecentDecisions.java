package io.carpgate.observe;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The last decisions, newest first, for the status page; holds what the decision log holds. Bounded in entries
 * and in bytes (each entry's texts are cut already, see CallOutcome; the byte bound holds whatever they are).
 */
public final class RecentDecisions implements ExchangeListener {
    /** At most this much heap for the texts of all entries kept (2 bytes a char, plus each entry's own weight). */
    public static final long MAX_BYTES = 1L << 20;
    private static final int ENTRY_OVERHEAD = 256;

    private final int capacity;
    private final long maxBytes;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private long bytes;

    public RecentDecisions(int capacity) {
        this(capacity, MAX_BYTES);
    }

    RecentDecisions(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    /** One decided call, as the decision log writes it (no payload values). */
    public record Entry(Instant time, String pair, String client, String method, Optional<String> service,
                        Optional<String> kind, Optional<String> instance, Optional<String> vhid, Optional<String> carp,
                        String decision, String reason, boolean observed) {
        long weight() {
            long chars = pair.length() + client.length() + method.length() + decision.length() + reason.length();
            for (Optional<String> text : List.of(service, kind, instance, vhid, carp)) {
                chars += text.map(String::length).orElse(0);
            }
            return ENTRY_OVERHEAD + 2 * chars;
        }
    }

    @Override
    public void onComplete(ExchangeRecord record) {
        record.calls().forEach(call -> add(new Entry(record.time().toInstant(), record.pair(), record.client(),
                call.method(), call.service(), call.kind(), call.instance(), call.vhid(), call.carpState(), call.action().word(),
                call.reason(), record.observed())));
    }

    synchronized void add(Entry entry) {
        entries.addFirst(entry);
        bytes += entry.weight();
        while (entries.size() > capacity || (bytes > maxBytes && entries.size() > 1)) {
            bytes -= entries.removeLast().weight();
        }
    }

    public synchronized List<Entry> newestFirst() {
        return new ArrayList<>(entries);
    }
}
