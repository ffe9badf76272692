package io.carpgate.proxy;

import io.carpgate.observe.PairStatus;
import io.carpgate.watch.WatchBook;

/** The watch's book as the admin listener shows it (names and texts only; the book itself stays in the watch). */
final class WatchRows {
    private WatchRows() {}

    static PairStatus.Watch of(boolean enabled, WatchBook book) {
        return new PairStatus.Watch(enabled, book.standing().stream()
                .map(s -> new PairStatus.ConflictRow(s.conflict().kind().key(), s.conflict().item(),
                        s.conflict().uuid(), s.conflict().text(), s.since()))
                .toList(), book.lastRead().map(WatchBook.LastRead::at),
                book.lastRead().flatMap(WatchBook.LastRead::problem));
    }
}
