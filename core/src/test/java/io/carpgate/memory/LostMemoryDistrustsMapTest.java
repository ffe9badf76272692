package io.carpgate.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemKind;
import io.carpgate.policy.VhidMap;
import io.carpgate.policy.VhidMapEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start without what carpgate knew of the pair puts the VHID map's items it does not know in doubt: the map may
 * have changed since the backup stored the restore those items follow. The doubt is in the file, so a second restart
 * (the file readable again) keeps it until a restore carrying the items is seen stored. A start that lost nothing
 * leaves the map's word standing.
 */
class LostMemoryDistrustsMapTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-08T01:00:00Z"), ZoneOffset.UTC);
    static final String URL = "https://192.0.2.2";
    static final String WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    static final String CLIENT = "6c1f7a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
    static final VhidMap MAP = VhidMap.of(List.of(
            new VhidMapEntry(ItemKind.WIREGUARD, WG0, 7, Optional.of("opt2"), Optional.empty(), "vhid-map.yml"),
            new VhidMapEntry(ItemKind.OPENVPN, CLIENT, 7, Optional.of("opt2"), Optional.empty(), "vhid-map.yml"),
            new VhidMapEntry(ItemKind.WIREGUARD, "wg-by-name", 7, Optional.of("opt2"), Optional.empty(), "vhid-map.yml")));

    @TempDir
    Path dir;

    @Test
    void aCorruptFileLeavesTheMapsItemsInDoubtAcrossTheNextRestartToo() throws Exception {
        Path file = PairMemories.fileIn(dir, "default", URL);
        Files.writeString(file, "{ not json", StandardCharsets.UTF_8);

        PairMemory first = new PairMemories(Optional.of(dir), CLOCK).of("default", URL);
        first.distrustMapIfLost(MAP);
        assertThat(first.book().all()).extracting(CarpItem::uuid).containsExactlyInAnyOrder(WG0, CLIENT);
        assertThat(first.book().all()).allSatisfy(item -> {
            assertThat(item.vhid()).as("in doubt: no VHID").isEmpty();
            assertThat(item.basis()).contains("started without what it knew of this pair");
        });
        first.distrustMapIfLost(MAP); // once: a reload does not doubt again what a sync since has settled
        assertThat(first.book().size()).isEqualTo(2);

        PairMemory second = new PairMemories(Optional.of(dir), CLOCK).of("default", URL);
        second.distrustMapIfLost(MAP);
        assertThat(second.book().all()).as("read back from the file").extracting(CarpItem::uuid)
                .containsExactlyInAnyOrder(WG0, CLIENT);
        assertThat(second.book().all()).allSatisfy(item -> assertThat(item.vhid()).isEmpty());
    }

    @Test
    void aStartThatLostNothingLeavesTheMapsWord() {
        PairMemory memory = new PairMemories(Optional.of(dir), CLOCK).of("default", URL);
        memory.distrustMapIfLost(MAP);
        assertThat(memory.book().all()).isEmpty();
    }
}
