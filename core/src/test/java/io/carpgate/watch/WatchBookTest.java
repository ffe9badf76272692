package io.carpgate.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.policy.ItemKind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A conflict appears once, keeps its since-when while it stands (whatever its routes do) and clears once. */
class WatchBookTest {
    private static Conflict wg(List<String> networks) {
        return new Conflict(ItemKind.WIREGUARD, "u1", "wg-sites", "wg0", Problem.UP_WHILE_NOT_MASTER, 7, "BACKUP",
                networks);
    }

    @Test
    void appearsOnceKeepsItsSinceAndClearsOnce() {
        WatchBook book = new WatchBook();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

        WatchBook.Change first = book.found(List.of(wg(List.of())), t0);
        assertThat(first.appeared()).as("seen once: not announced yet").isEmpty();
        assertThat(first.unconfirmed()).as("the next read is to confirm it").isTrue();
        assertThat(book.standing()).isEmpty();
        WatchBook.Change second = book.found(List.of(wg(List.of("10.77.0.0/24"))), t0.plusSeconds(60));
        assertThat(second.appeared()).as("seen by two reads in a row, since the first").singleElement()
                .extracting(WatchBook.Standing::since).isEqualTo(t0);
        assertThat(book.found(List.of(wg(List.of("10.77.0.0/24"))), t0.plusSeconds(90)).none()).isTrue();
        assertThat(book.standing()).singleElement().satisfies(s -> {
            assertThat(s.since()).isEqualTo(t0);
            assertThat(s.conflict().networks()).containsExactly("10.77.0.0/24");
        });
        book.failed("unreachable", t0.plusSeconds(120)); // nothing known to have changed: it stands
        assertThat(book.standing()).hasSize(1);
        assertThat(book.lastRead().orElseThrow().problem()).contains("unreachable");

        WatchBook.Change cleared = book.found(List.of(), t0.plusSeconds(180));
        assertThat(cleared.cleared()).singleElement().extracting(WatchBook.Standing::since).isEqualTo(t0);
        assertThat(book.standing()).isEmpty();
        assertThat(book.found(List.of(), t0.plusSeconds(240)).none()).isTrue();
        assertThat(book.reads()).isEqualTo(6);
    }

    /** A read in the seconds the backup's own CARP hook takes after a failover sees a conflict the next does not. */
    @Test
    void aConflictOneReadSawAndTheNextDidNotIsNeverAnnounced() {
        WatchBook book = new WatchBook();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(book.found(List.of(wg(List.of())), t0).unconfirmed()).isTrue();
        WatchBook.Change next = book.found(List.of(), t0.plusSeconds(5));
        assertThat(next.none()).isTrue();
        assertThat(next.unconfirmed()).isFalse();
        assertThat(book.found(List.of(wg(List.of())), t0.plusSeconds(60)).appeared())
                .as("seen again later: a first sighting once more").isEmpty();
    }

    /** A standing conflict whose item a read could not judge (its VHID lost, say) stands: nothing says it is right. */
    @Test
    void aConflictWhoseItemWasNotJudgedStands() {
        WatchBook book = new WatchBook();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        book.found(List.of(wg(List.of())), t0);
        book.found(List.of(wg(List.of())), t0.plusSeconds(5));
        WatchBook.Change unjudged = book.found(new ConflictDetector.Detection(List.of(),
                java.util.Set.of(wg(List.of()).itemKey())), t0.plusSeconds(60));
        assertThat(unjudged.cleared()).isEmpty();
        assertThat(book.standing()).singleElement().extracting(WatchBook.Standing::since).isEqualTo(t0);
        assertThat(book.found(List.of(), t0.plusSeconds(120)).cleared()).as("judged and found right").hasSize(1);
    }
}
