package io.carpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.e2e.EndToEnd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The AOT cache's training run: carpgate as run starts it, a sync's calls answered as the gate must, no leftovers. */
@EndToEnd
class AotTrainingCommandTest {
    @Test
    void itDrivesTheRealPathsChecksTheAnswersAndLeavesNothingBehind() throws Exception {
        List<Path> before = leftovers();
        CliRun run = CliRun.of("aot-training", "--rounds", "2");
        assertThat(run.status()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("AOT training: 8 calls through carpgate over TLS (rewritten, suppressed, "
                + "forwarded as expected), the admin pages and a reload");
        assertThat(leftovers()).as("its folder and the warm-up's are removed").isEqualTo(before);
    }

    @Test
    void itIsNotAmongTheCommandsAnAdminIsShown() {
        CliRun help = CliRun.of("--help");
        assertThat(help.out()).contains("run", "check").doesNotContain("aot-training");
    }

    private static List<Path> leftovers() throws Exception {
        try (Stream<Path> all = Files.list(Paths.get(System.getProperty("java.io.tmpdir")))) {
            return all.filter(p -> p.getFileName().toString().startsWith("carpgate-aot-training")
                    || p.getFileName().toString().startsWith("carpgate-warmup")).sorted().toList();
        }
    }
}
