package io.carpgate.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.config.VhidMapLoader;
import io.carpgate.policy.VhidMapEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmupCallsTest {
    /** An entry but its place. */
    private static String what(VhidMapEntry entry) {
        return entry.kind() + " " + entry.key() + " " + entry.vhid() + " " + entry.iface() + " " + entry.backupVip();
    }

    @TempDir
    Path dir;

    /** The warm-up's carpgate gets its map in memory, the AOT training's reads the file: the two are one map. */
    @Test
    void theWarmupsMapIsTheFileTheTrainingReads() throws Exception {
        Path file = Files.writeString(dir.resolve("vhid-map.yml"), WarmupCalls.VHID_MAP);
        assertThat(VhidMapLoader.load(file).all()).hasSize(2).extracting(WarmupCallsTest::what)
                .containsExactlyElementsOf(WarmupCalls.vhidMap().all().stream().map(WarmupCallsTest::what).toList());
        assertThat(WarmupCalls.vhidMap().all()).extracting(VhidMapEntry::vhid)
                .containsExactly(WarmupCalls.VHID_MASTER, WarmupCalls.VHID_BACKUP);
    }
}
