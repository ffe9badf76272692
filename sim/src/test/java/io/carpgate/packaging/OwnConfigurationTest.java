package io.carpgate.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * An admin's first hour in a fresh checkout: copy the examples as the README says, edit them for the pair (a real
 * API secret included), rebuild, make the certificate and logs, check the configuration: git sees no change to a
 * tracked file and nothing new to add. The checkout is this working tree's tracked files (as they are now, so the
 * test holds for uncommitted .gitignore edits too) committed into a new repository: cheap, no network, no Maven.
 */
class OwnConfigurationTest {
    private static final Path ROOT = Paths.get("").toAbsolutePath();
    private static final String COPY = "cp -n conf/examples/* conf/";

    @TempDir
    Path dir;

    @Test
    void copyingTheExamplesEditingThemRebuildingAndRunningTouchesNoTrackedFile() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(ROOT.resolve(".git")) || Files.isRegularFile(ROOT.resolve(".git")),
                "not a git checkout");
        Path clone = Files.createDirectories(dir.resolve("checkout"));
        git(clone, "init", "-q");
        for (String file : git(ROOT, "ls-files", "-z").split("\0")) {
            Path from = ROOT.resolve(file);
            if (!file.isEmpty() && Files.isRegularFile(from)) {
                Files.createDirectories(clone.resolve(file).getParent());
                Files.copy(from, clone.resolve(file));
            }
        }
        git(clone, "add", "-A");
        git(clone, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "clone");
        assertThat(git(clone, "status", "--porcelain")).isEmpty();

        // The README's step, word for word.
        assertThat(Files.readString(ROOT.resolve("README.md"))).contains(COPY);
        bash(clone, COPY);
        Path yml = clone.resolve("conf/carpgate.yml");
        Files.writeString(yml, Files.readString(yml).replace("https://192.0.2.2", "https://10.0.0.2")
                .replace("[192.0.2.1/32]", "[10.0.0.1/32]").replace("port: 8443}", "port: 0}"));
        Files.writeString(clone.resolve("conf/backup-api.txt"), "key=a-real-key\nsecret=a-real-secret\n");
        Files.writeString(clone.resolve("conf/vhid-map.yml"), "wireguard:\n  wg-site:\n    vhid: 3\n");
        // What a rebuild and a run leave: the jar and its cache, carpgate's certificate, the logs.
        Files.createDirectories(clone.resolve("target"));
        Files.writeString(clone.resolve("target/carpgate.jar"), "built");
        Files.writeString(clone.resolve("target/carpgate.aot"), "cache");
        assertThat(carpgate("gen-cert", "--cert", clone.resolve("certs/carpgate.crt").toString(), "--key",
                clone.resolve("certs/carpgate.key").toString())).isZero();
        Files.createDirectories(clone.resolve("logs"));
        Files.writeString(clone.resolve("logs/decisions.jsonl"), "{}\n");
        assertThat(carpgate("check", "--offline", "--config", yml.toString())).as("the edited copy is valid").isZero();

        assertThat(git(clone, "status", "--porcelain", "--untracked-files=all")).as("no tracked file changed, "
                + "nothing to add").isEmpty();
        assertThat(git(clone, "check-ignore", "conf/backup-api.txt").strip()).isEqualTo("conf/backup-api.txt");
        assertThat(Files.readString(clone.resolve("conf/examples/backup-api.txt"))).contains("EXAMPLE-REPLACE-ME");
        // A new example (an update) still shows up as a tracked file would.
        Files.writeString(clone.resolve("conf/examples/new.example.yml"), "x: 1\n");
        assertThat(git(clone, "status", "--porcelain")).contains("conf/examples/");
    }

    /** CI runs the README's test command, and only it. */
    @Test
    void ciRunsExactlyTheReadmesTestCommand() throws Exception {
        List<String> ci = Files.readAllLines(ROOT.resolve(".ci/run")).stream().map(String::strip)
                .filter(l -> l.startsWith("mvn ")).toList();
        assertThat(ci).as("the mvn lines of .ci/run").contains("mvn -B verify");
        assertThat(ci.stream().filter(l -> !l.startsWith("mvn -B -v"))).containsExactly("mvn -B verify");
        assertThat(Files.readString(ROOT.resolve("README.md"))).contains("mvn -B verify");
    }

    private static int carpgate(String... args) {
        CommandLine cli = new CommandLine(new io.carpgate.cli.Main());
        cli.setOut(new PrintWriter(new StringWriter(), true));
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute(args);
        assertThat(err.toString()).as(String.join(" ", args)).doesNotContain("error");
        return status;
    }

    private static String git(Path in, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", in.toString()));
        command.addAll(List.of(args));
        return run(new ProcessBuilder(command));
    }

    private static void bash(Path in, String line) throws Exception {
        run(new ProcessBuilder("bash", "-c", line).directory(in.toFile()));
    }

    private static String run(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String said = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(pb.command() + ": " + said).isZero();
        return said;
    }
}
