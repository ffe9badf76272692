package io.carpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import io.carpgate.e2e.EndToEnd;

@EndToEnd
class DemoCommandTest {
    @Test
    void theDemoShowsTheBlackHoleWithoutCarpgateAndTheGateWithIt() {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        int status = cli.execute("demo");

        String printed = out.toString();
        assertThat(status).as(printed).isZero();
        // Each line carries the simulated backups' own facts: stored uuid and interface state.
        assertThat(printed).containsPattern("carp_depend_on stored on backup +\\| 5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f +\\| "
                + "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
        assertThat(printed).containsPattern("wg0 on the BACKUP after the sync +\\| UP \\(black hole\\) +\\| down");
        assertThat(printed).contains("wg0 on the backup: UP");
        assertThat(printed).doesNotContain("demo-sync-password", "demo-api-secret", "demo-private-key");
    }
}
