package io.carpgate.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.e2e.EndToEnd;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/carpgate, installed as contrib/install lays it out (/opt/carpgate/bin/carpgate, the jar beside bin/, a
 * symlink on the PATH), with a jar that prints how it was started ({@link EchoMain}): which Java, which JVM
 * options, which start-up cache or why none. The real jar's training run is the package step itself.
 */
@EndToEnd
class LauncherScriptTest {
    private static final Path SCRIPT = Paths.get("bin/carpgate").toAbsolutePath();
    private static final String TEST_JAVA = Paths.get(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path root;
    Path jar;
    Path onPath;

    @BeforeEach
    void install() throws IOException {
        Path bin = Files.createDirectories(root.resolve("opt/carpgate/bin"));
        Files.copy(SCRIPT, bin.resolve("carpgate"));
        bin.resolve("carpgate").toFile().setExecutable(true);
        jar = echoJar(root.resolve("opt/carpgate/carpgate.jar"));
        onPath = Files.createSymbolicLink(Files.createDirectories(root.resolve("usr/local/bin")).resolve("carpgate"),
                bin.resolve("carpgate"));
    }

    @Test
    void itRunsTheJarBesideItThroughASymlinkWithTheArgumentsAndDefaultOptionsAndSaysWhyThereIsNoCache() throws Exception {
        Map<String, String> echo = run(Map.of("CARPGATE_JAVA", TEST_JAVA), "run", "--config", "/etc/carpgate/carpgate.yml");
        assertThat(echo.get("args")).isEqualTo("run --config /etc/carpgate/carpgate.yml");
        assertThat(echo.get("jvm")).contains("-XX:+ExitOnOutOfMemoryError", "-Xmx256m", "-Xms16m",
                "-XX:G1PeriodicGCInterval=5000");
        assertThat(echo.get("cache")).isEmpty();
        assertThat(echo.get("skipped")).isEqualTo("no start-up cache " + cache(Runtime.version().feature())
                + " (build it with: " + root.resolve("opt/carpgate/bin/carpgate") + " aot-cache)");
    }

    /** aot-cache --help and --version leave a built cache as it is (they once replaced it with a near-empty one). */
    @Test
    void aotCacheHelpAndVersionDoNothingElse() throws Exception {
        Path cache = cache(Runtime.version().feature());
        Files.writeString(cache, "a cache built before");
        Files.writeString(Path.of(cache + ".stamp"), "its stamp");
        FileTime before = Files.getLastModifiedTime(cache);
        Process help = start(Map.of("CARPGATE_JAVA", TEST_JAVA), "aot-cache", "--help");
        String helped = output(help);
        assertThat(help.exitValue()).as(helped).isZero();
        assertThat(helped).contains("Usage: carpgate aot-cache").doesNotContain("args=", "carpgate: start-up cache");
        Map<String, String> version = run(Map.of("CARPGATE_JAVA", TEST_JAVA), "aot-cache", "--version");
        assertThat(version.get("args")).as("the jar is asked for its version, not trained").isEqualTo("--version");
        assertThat(version.get("jvm")).doesNotContain("AOTCacheOutput", "ArchiveClassesAtExit");
        assertThat(Files.readString(cache)).isEqualTo("a cache built before");
        assertThat(Files.readString(Path.of(cache + ".stamp"))).isEqualTo("its stamp");
        assertThat(Files.getLastModifiedTime(cache)).isEqualTo(before);
    }

    @Test
    void javaOptionsFromTheEnvironmentReplaceTheDefaultHeap() throws Exception {
        Map<String, String> echo = run(Map.of("CARPGATE_JAVA", TEST_JAVA, "CARPGATE_JAVA_OPTS", "-Xmx64m -Dx=y"), "run");
        assertThat(echo.get("jvm")).contains("-XX:+ExitOnOutOfMemoryError", "-Xmx64m", "-Dx=y").doesNotContain("-Xmx256m");
    }

    @Test
    void aCacheBuiltForThisJarAndJavaIsUsedAndOneForAnotherJarIsNot() throws Exception {
        int feature = Runtime.version().feature();
        Process build = start(Map.of("CARPGATE_JAVA", TEST_JAVA), "aot-cache");
        String built = output(build);
        assertThat(build.exitValue()).as(built).isZero();
        assertThat(built).contains("carpgate: start-up cache " + cache(feature) + " built for " + Runtime.version());
        assertThat(cache(feature)).exists();

        Map<String, String> echo = run(Map.of("CARPGATE_JAVA", TEST_JAVA), "run");
        assertThat(echo.get("cache")).isEqualTo(cache(feature).toString());
        assertThat(echo.get("skipped")).isEmpty();
        assertThat(echo.get("jvm")).contains(feature >= 25 ? "-XX:AOTCache=" + cache(feature)
                : "-XX:SharedArchiveFile=" + cache(feature));

        // A new jar (here: the same bytes, another time) is not the one the cache was built for.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
        Map<String, String> stale = run(Map.of("CARPGATE_JAVA", TEST_JAVA), "run");
        assertThat(stale.get("cache")).isEmpty();
        assertThat(stale.get("skipped")).startsWith(cache(feature) + " was built for another jar or JVM (rebuild it with:");
    }

    @Test
    void withoutBeingToldItPicksTheNewestJavaItFinds() throws Exception {
        int newest = Math.max(Runtime.version().feature(), newestInstalledJava());
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        assertThat(run(env, "--version").get("java")).isEqualTo(String.valueOf(newest));
    }

    @Test
    void onJava25TheCacheIsTheJvmsAotCache() throws Exception {
        Path java25 = installedJava(25);
        Assumptions.assumeTrue(java25 != null, "no Java 25 or newer under /usr/lib/jvm");
        Process build = start(Map.of("CARPGATE_JAVA", java25.toString()), "aot-cache");
        String built = output(build);
        assertThat(build.exitValue()).as(built).isZero();
        Map<String, String> echo = run(Map.of("CARPGATE_JAVA", java25.toString()), "run");
        assertThat(echo.get("jvm")).contains("-XX:AOTCache=" + root.resolve("opt/carpgate/carpgate.aot"));
        assertThat(echo.get("cache")).isEqualTo(root.resolve("opt/carpgate/carpgate.aot").toString());
    }

    /** The repository's own bin/carpgate on the packaged jar, with the cache the package step built, if any. */
    @Test
    void inTheRepositoryItRunsThePackagedJarWithThePackageStepsCache(@TempDir Path work) throws Exception {
        Path jarBuilt = PackagedJar.require();
        Files.writeString(work.resolve("api.txt"), "k:s\n");
        Path config = Files.writeString(work.resolve("carpgate.yml"), "listen: {host: 127.0.0.1, port: 0}\n"
                + "tls: {cert: c.crt, key: c.key}\nlogs: {dir: logs}\nadmin: {enabled: false}\n"
                + "backup: {url: 'https://127.0.0.1:9', insecure: true, api-credentials: api.txt}\n");
        Path console = work.resolve("console.txt");
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "run", "--no-warm-up", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(console.toFile());
        pb.environment().remove("CARPGATE_JAVA");
        pb.environment().remove("CARPGATE_JAR");
        Process p = pb.start();
        try {
            org.awaitility.Awaitility.await("carpgate listens").atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> Files.readString(console).contains("carpgate listening"));
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        String first = Files.readAllLines(console).get(0);
        boolean aot = Files.exists(Paths.get("target/carpgate.aot.stamp"));
        boolean cds = Files.exists(Paths.get("target/carpgate.jsa.stamp"));
        if (aot || cds) {
            assertThat(first).as("the package step's cache fits the packaged jar").startsWith("Java ")
                    .contains(", start-up cache " + jarBuilt.getParent().resolve(aot ? "carpgate.aot" : "carpgate.jsa"));
        } else {
            assertThat(first).as("built with -Dcarpgate.aot.skip=true").contains("starting without a start-up cache");
        }
    }

    @Test
    void withoutAJarItSaysHowToBuildOne() throws Exception {
        Files.delete(jar);
        Process p = start(Map.of("CARPGATE_JAVA", TEST_JAVA), "run");
        String said = output(p);
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(said).contains("carpgate: no carpgate.jar next to", "(build it with: mvn -B package)");
    }

    private Path cache(int feature) {
        return root.resolve("opt/carpgate/carpgate" + (feature >= 25 ? ".aot" : ".jsa"));
    }

    private Map<String, String> run(Map<String, String> env, String... args) throws Exception {
        Process p = start(env, args);
        String out = output(p);
        assertThat(p.exitValue()).as(out).isZero();
        Map<String, String> echo = new HashMap<>();
        out.lines().filter(l -> l.indexOf('=') > 0)
                .forEach(l -> echo.putIfAbsent(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        assertThat(echo).as(out).containsKeys("java", "args", "jvm", "cache", "skipped");
        return echo;
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(onPath.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("CARPGATE_JAVA");
        pb.environment().remove("CARPGATE_JAVA_OPTS");
        pb.environment().remove("CARPGATE_JAR");
        pb.environment().putAll(env);
        return pb.start();
    }

    private static String output(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("bin/carpgate ended: " + out).isTrue();
        return out;
    }

    /** The feature version of the newest Java under /usr/lib/jvm (0 when none). */
    private static int newestInstalledJava() throws IOException {
        int newest = 0;
        for (int feature = 30; feature >= 17 && newest == 0; feature--) {
            if (installedJava(feature) != null && feature > newest) {
                newest = feature;
            }
        }
        return newest;
    }

    /** A java of exactly this feature version under /usr/lib/jvm, or null. */
    private static Path installedJava(int wanted) throws IOException {
        Path jvms = Paths.get("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            for (Path home : homes.toList()) {
                Path release = home.resolve("release");
                if (Files.isRegularFile(release) && Files.isExecutable(home.resolve("bin/java"))) {
                    for (String line : Files.readAllLines(release)) {
                        if (line.startsWith("JAVA_VERSION=\"")) {
                            String v = line.substring("JAVA_VERSION=\"".length());
                            int feature = Integer.parseInt(v.replaceAll("[^0-9].*$", ""));
                            if (feature == wanted) {
                                return home.resolve("bin/java");
                            }
                        }
                    }
                }
            }
        }
        return null;
    }

    private static Path echoJar(Path file) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, EchoMain.class.getName());
        String entry = EchoMain.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new JarEntry(entry));
            try (var in = EchoMain.class.getClassLoader().getResourceAsStream(entry)) {
                assertThat(in).as(entry).isNotNull();
                in.transferTo(jar);
            }
            jar.closeEntry();
        }
        return file;
    }
}
