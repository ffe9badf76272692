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

        assertThat(book.found(List.of(wg(List.of())), t0).appeared()).hasSize(1);
        WatchBook.Change second = book.found(List.of(wg(List.of("10.77.0.0/24"))), t0.plusSeconds(60));
        assertThat(second.none()).isTrue();
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
        assertThat(book.reads()).isEqualTo(5);
    }
}
