package io.carpgate.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the running carpgate's one PairMemories hands out across reloads. */
class PairMemoryAcrossReloadsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private static final String URL = "https://192.0.2.2";
    /** The same backup as {@link #URL} for the configuration (default port written out), spelled differently. */
    private static final String SAME_BACKUP = "https://192.0.2.2:443";

    @TempDir
    Path dir;

    private static CarpItem wg0(int vhid) {
        return new CarpItem(ItemKind.WIREGUARD, "3d2c1b0a", "wg0-branches", true, Optional.of(vhid),
                Optional.of("opt2"), Optional.of("9a8b7c6d"), "VHID " + vhid + " from the master's VIP in the restore",
                Optional.empty());
    }

    @Test
    void aUrlPutBackByAReloadDoesNotBringBackWhatTheEarlierUrlLearned() {
        PairMemories memories = new PairMemories(Optional.of(dir), CLOCK); // one per running carpgate, across reloads
        memories.of("default", URL).stored(List.of(wg0(7)));
        // Reload 1: the admin writes the default port out (the same backup); a restore then moves wg0 to VHID 9.
        PairMemory second = memories.of("default", SAME_BACKUP);
        memories.inEffect(java.util.Map.of("default", SAME_BACKUP));
        second.stored(List.of(wg0(9)));
        // Reload 2: the URL as it was. The backup's wg0 follows VHID 9.
        PairMemory back = memories.of("default", URL);
        memories.inEffect(java.util.Map.of("default", URL));
        assertThat(back.book().find(ItemKind.WIREGUARD, "3d2c1b0a").flatMap(CarpItem::vhid))
                .as("a memory older than what the backup stores must not decide a start (start of wg0 would be "
                        + "gated on VHID 7 while the backup runs it on VHID 9)")
                .isNotEqualTo(Optional.of(7));
    }

    @Test
    void aStateFolderOwnedByAnotherUserIsNotTrusted() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to give the folder to another user");
        UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        new PairMemories(Optional.of(dir), CLOCK).of("default", URL).stored(List.of(wg0(7)));
        Path file = PairMemories.fileIn(dir, "default", URL);
        // What another user could have planted: its own folder and file, not writable by group or others.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setOwner(dir, nobody);
        Files.setOwner(file, nobody);
        assertThat(StateFolder.untrusted(dir)).as("a folder another user owns (and may write)").isPresent();
        assertThat(new PairMemories(Optional.of(dir), CLOCK).of("default", URL).book().all())
                .as("a memory another user wrote must not teach a VHID").isEmpty();
    }
}
