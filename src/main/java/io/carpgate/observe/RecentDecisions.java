package io.carpgate.observe;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** The last decisions, newest first, for the status page. Bounded; holds what the decision log holds. */
public final class RecentDecisions implements ExchangeListener {
    private final int capacity;
    private final Deque<Entry> entries = new ArrayDeque<>();

    public RecentDecisions(int capacity) {
        this.capacity = capacity;
    }

    /** One decided call, as the decision log writes it (no payload values). */
    public record Entry(Instant time, String pair, String client, String method, Optional<String> service,
                        Optional<String> kind, Optional<String> instance, Optional<String> vhid, Optional<String> carp,
                        String decision, String reason, boolean observed) {}

    @Override
    public void onComplete(ExchangeRecord record) {
        record.calls().forEach(call -> add(new Entry(record.time().toInstant(), record.pair(), record.client(),
                call.method(), call.service(), call.kind(), call.instance(), call.vhid(), call.carpState(), call.action().word(),
                call.reason(), record.observed())));
    }

    synchronized void add(Entry entry) {
        entries.addFirst(entry);
        while (entries.size() > capacity) {
            entries.removeLast();
        }
    }

    public synchronized List<Entry> newestFirst() {
        return new ArrayList<>(entries);
    }
}
