package io.carpgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The words for a file carpgate may not read (the uid 10001 case itself runs as that uid: ContainerUserTest). */
class FileAccessTest {
    @TempDir
    Path dir;

    @Test
    void aPermissionProblemNamesTheUidCarpgateRunsAsAndTheFilesOwnerAndMode() throws Exception {
        Path file = Files.writeString(dir.resolve("backup-api.txt"), "k:s\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Object uid = Files.getAttribute(Paths.get("/proc/self"), "unix:uid");
        Object owner = Files.getAttribute(file, "unix:uid");

        String said = FileAccess.explain(new AccessDeniedException(file.toString()));

        assertThat(said).startsWith("permission denied: carpgate runs as uid " + uid)
                .contains(file + " is owned by uid " + owner + ", gid ", ", mode rw-------")
                .endsWith("(give uid " + uid + " access, e.g. sudo chown " + uid + " " + file + ")");
    }

    @Test
    void otherProblemsKeepTheirOwnWords() {
        assertThat(FileAccess.explain(new NoSuchFileException("/etc/carpgate/x.yml"))).isEqualTo("/etc/carpgate/x.yml does not exist");
        assertThat(FileAccess.explain(new java.io.IOException("Is a directory"))).isEqualTo("Is a directory");
    }
}
