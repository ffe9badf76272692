package io.carpgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import io.carpgate.cli.Main;
import io.carpgate.e2e.EndToEnd;

@EndToEnd
class DemoCommandTest {
    private static final String MASTER_VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    private static final String MASTER_VIP2 = "a1b2c3d4-0000-4000-8000-0000000000a2";
    private static final String BACKUP_VIP7 = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    private static final String BACKUP_VIP2 = "0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f";

    @TempDir
    Path temp;

    @Test
    void theDemoTellsTheStoryOfEveryKindInOneScreenAndLeavesNothingBehind() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        // The demo's folder goes where it is told (by default the system's temp folder); it must be gone after.
        ((DemoCommand) cli.getSubcommands().get("demo").getCommand()).workParent = temp;
        int status = cli.execute("demo");

        String printed = out.toString();
        assertThat(status).as(printed).isZero();
        // Each row carries the simulated backups' own facts: stored uuid and whether the item runs.
        assertThat(printed).contains("WireGuard instance wg0-branches", "OpenVPN client branch-client", "DHCP relay lan");
        assertThat(printed).containsPattern("carp_depend_on stored +\\| " + MASTER_VIP7 + " \\| " + BACKUP_VIP7 + "\\n"
                + ".*after the sync, backup BACKUP +\\| UP: black hole +\\| down\\n"
                + ".*once the backup is MASTER +\\| UP +\\| UP\\n"
                + "OpenVPN client branch-client.*\\n"
                + ".*carp_depend_on stored +\\| " + MASTER_VIP7 + " \\| " + BACKUP_VIP7 + "\\n"
                + ".*after the sync, backup BACKUP +\\| UP: black hole +\\| down\\n");
        assertThat(printed).containsPattern("carp_depend_on stored +\\| " + MASTER_VIP2 + " \\| " + BACKUP_VIP2 + "\\n"
                + ".*after the sync, backup BACKUP +\\| down +\\| down\\n"
                + ".*once the backup is MASTER +\\| down: never starts, no failover +\\| UP\\n");
        assertThat(printed).contains("  openvpn   carpgate suppressed opnsense.restart_service(openvpn,");
        // The simulated backup's release (the default, the newest checked) and what differs by release.
        assertThat(printed).contains("simulated HA pair (OPNsense 26.7.2)", "On 25.7 the backup starts the OpenVPN client");
        // The scene no sync path can prevent: a start on the backup's own GUI, named by the watch within one interval.
        assertThat(printed).containsPattern("Start pressed on the backup's own GUI while BACKUP: carpgate's read-only "
                + "watch \\(every 1 s here\\) said \\d+ ms later:\n  wg0 \\(WireGuard instance wg0-branches\\) is UP on "
                + "the backup and routes 10.77.0.0/24 into it while the backup is BACKUP\n  for VHID 7");

        // One screen, nothing cut off, nothing but the story.
        String[] lines = printed.split("\n");
        assertThat(lines).hasSizeLessThanOrEqualTo(40);
        assertThat(lines).allSatisfy(line -> assertThat(line.length()).as(line).isLessThan(120));
        assertThat(printed).doesNotContain("...", "\u2026");
        assertThat(printed).doesNotContainPattern("\\d{2}:\\d{2}:\\d{2}")
                .doesNotContainPattern("\\b(INFO|WARN|ERROR|DEBUG)\\b").doesNotContain("/tmp", temp.toString());
        assertThat(printed).doesNotContain("demo-sync-password", "demo-api-secret", "demo-private-key",
                "demo-openvpn-password");
        try (Stream<Path> left = Files.list(temp)) {
            assertThat(left).as("the demo's folder is removed").isEmpty();
        }
    }
}
