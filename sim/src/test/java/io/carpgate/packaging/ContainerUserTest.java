package io.carpgate.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.e2e.EndToEnd;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container as the README sets it up, without Docker (none runs here): a fresh clone's conf/ and certs/
 * (no logs/), the image's bin/carpgate and jar, and carpgate started as the image's user, uid 10001, with the
 * image's environment. Before the README's chown step it stops with status 2 and names the permission problem
 * and the uid; after it, it reads its credentials, writes its certificate and logs, answers on the admin port
 * the compose file publishes, and a SIGTERM ends it with 143 (a clean stop for systemd and Docker alike).
 */
@EndToEnd
class ContainerUserTest {
    private static final Pattern LISTENING = Pattern.compile("carpgate listening on https://0\\.0\\.0\\.0:(\\d+)/");
    private static final Pattern ADMIN = Pattern.compile("admin listener on http://0\\.0\\.0\\.0:(\\d+)/");

    @TempDir
    Path dir;
    Path clone;
    Path image;

    @BeforeEach
    void freshCloneAndImage() throws Exception {
        boolean root = "0".equals(String.valueOf(Files.getAttribute(Paths.get("/proc/self"), "unix:uid")));
        boolean setpriv = Files.isExecutable(Paths.get("/usr/bin/setpriv"));
        if (!(root && setpriv) && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI runs as root with util-linux's setpriv: this test must run there");
        }
        Assumptions.assumeTrue(root && setpriv, "needs root and /usr/bin/setpriv to act as uid 10001");
        Path jar = PackagedJar.require();
        // uid 10001 must be able to walk to the files, as in the container.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        clone = Files.createDirectories(dir.resolve("clone"));
        Files.createDirectories(clone.resolve("conf"));
        Files.createDirectories(clone.resolve("certs"));
        for (String name : List.of("carpgate.yml", "vhid-map.yml", "backup-api.txt")) {
            Files.copy(Paths.get("conf", "examples", name), clone.resolve("conf").resolve(name));
        }
        Files.copy(Paths.get("certs/README.md"), clone.resolve("certs/README.md"));
        assertThat(clone.resolve("logs")).as("a fresh clone has no logs/").doesNotExist();
        // Any free ports instead of 8443 and 9180, which may be taken here; everything else as shipped.
        Path yml = clone.resolve("conf/carpgate.yml");
        String shipped = Files.readString(yml);
        String freePorts = shipped.replace("port: 8443}", "port: 0}").replace("port: 9180}", "port: 0}");
        assertThat(freePorts).doesNotContain("8443}", "9180}");
        Files.writeString(yml, freePorts);
        // The README: "chmod 600" the credentials file (here root's, as any owner but uid 10001 would be).
        Files.setPosixFilePermissions(clone.resolve("conf/backup-api.txt"), PosixFilePermissions.fromString("rw-------"));

        image = Files.createDirectories(dir.resolve("image/bin"));
        Files.copy(Paths.get("bin/carpgate"), image.resolve("carpgate"));
        image.resolve("carpgate").toFile().setExecutable(true, false);
        Files.copy(jar, dir.resolve("image/carpgate.jar"));
        dir.resolve("image/carpgate.jar").toFile().setReadable(true, false);
    }

    @Test
    void withoutTheReadmesChownCarpgateStopsWithStatus2NamingThePermissionProblemAndTheUid() throws Exception {
        Process carpgate = asUid10001();
        String said = output(carpgate);
        assertThat(carpgate.exitValue()).as(said).isEqualTo(2);
        assertThat(said).contains("configuration error", "backup.api-credentials: "
                + clone.resolve("conf/backup-api.txt") + " cannot be read: permission denied (carpgate runs as uid 10001; "
                + "the file belongs to uid 0, mode 600); in a container, on the host in the folder of docker-compose.yml: "
                + "sudo chown -R 10001:10001 certs logs state conf/backup-api.txt", "backup.api-credentials");
        assertThat(said).as("the command it names is the README's").contains(readmeChownStep().replaceFirst("^.*&& ", ""));
    }

    @Test
    void afterTheReadmesStepsItReadsItsCredentialsWritesItsFilesAndAnswersOnThePublishedAdminPort() throws Exception {
        // The Quick start made carpgate's certificate as the admin (here root), its key mode 600, before the container.
        Process genCert = new ProcessBuilder(image.resolve("carpgate").toString(), "gen-cert", "--cert",
                clone.resolve("certs/carpgate.crt").toString(), "--key", clone.resolve("certs/carpgate.key").toString())
                .redirectErrorStream(true).start();
        String made = output(genCert);
        assertThat(genCert.exitValue()).as(made).isZero();
        assertThat(Files.getAttribute(clone.resolve("certs/carpgate.key"), "unix:uid")).isEqualTo(0);
        String step = readmeChownStep();
        Process chown = new ProcessBuilder("bash", "-c", step.replace("sudo ", "")).directory(clone.toFile())
                .redirectErrorStream(true).start();
        String chowned = output(chown);
        assertThat(chown.exitValue()).as(step + ": " + chowned).isZero();

        Process carpgate = asUid10001();
        Path console = dir.resolve("console.txt");
        try {
            await(console, LISTENING);
            int admin = Integer.parseInt(await(console, ADMIN).group(1));
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + admin + "/healthz")).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(Files.readString(console)).contains("WARNING: admin listener on 0.0.0.0: it is plain HTTP "
                    + "without authentication");
            assertThat(Files.getAttribute(clone.resolve("certs/carpgate.key"), "unix:uid"))
                    .as("the recursive chown gave the key made before to uid 10001, which read it").isEqualTo(10001);
            assertThat(clone.resolve("logs")).isDirectory();
        } finally {
            carpgate.destroy();
            assertThat(carpgate.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(carpgate.exitValue()).as("SIGTERM: the exit status the unit's SuccessExitStatus names").isEqualTo(143);
    }

    /** The container's start: its user, its environment (CARPGATE_ADMIN_HOST), bin/carpgate run on conf/. */
    private Process asUid10001() throws IOException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid", "10001", "--regid", "10001",
                "--clear-groups", image.resolve("carpgate").toString(), "run", "--no-warm-up", "--config",
                clone.resolve("conf/carpgate.yml").toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("console.txt").toFile());
        pb.environment().put("CARPGATE_ADMIN_HOST", containerEnvironment("CARPGATE_ADMIN_HOST"));
        pb.environment().remove("CARPGATE_BACKUP_API_KEY");
        pb.environment().remove("CARPGATE_BACKUP_API_SECRET");
        return pb.start();
    }

    /** The one command the README (and the compose file) give for the container's files. */
    private static String readmeChownStep() throws IOException {
        List<String> steps = Files.readAllLines(Paths.get("README.md")).stream()
                .filter(l -> l.contains("chown -R 10001") && l.trim().startsWith("mkdir")).map(String::trim).toList();
        assertThat(steps).as("README.md shows the container's chown step as a command line").hasSize(1);
        String step = steps.get(0).replaceAll("\\s+#.*$", "");
        assertThat(Files.readString(Paths.get("docker-compose.yml"))).as("the compose file gives the same step")
                .contains(step);
        return step;
    }

    private static String containerEnvironment(String name) throws IOException {
        Matcher m = Pattern.compile("(?m)^ENV " + name + "=(\\S+)$").matcher(Files.readString(Paths.get("Dockerfile")));
        assertThat(m.find()).as("the Dockerfile sets " + name).isTrue();
        return m.group(1);
    }

    private String output(Process p) throws Exception {
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        Path console = dir.resolve("console.txt");
        String redirected = Files.exists(console) ? Files.readString(console) : "";
        return redirected + new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Matcher await(Path console, Pattern pattern) {
        try {
            return Awaitility.await("carpgate prints /" + pattern + "/").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).until(() -> pattern.matcher(read(console)), Matcher::find);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("carpgate did not print /" + pattern + "/:\n" + read(console), e);
        }
    }

    private static String read(Path console) {
        try {
            return Files.exists(console) ? Files.readString(console) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
