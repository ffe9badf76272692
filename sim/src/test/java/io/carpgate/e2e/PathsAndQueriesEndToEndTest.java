package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.runtime.Carpgate;
import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigLoader;
import io.carpgate.observe.LogSetup;
import io.carpgate.sim.ReceivedCall;
import io.carpgate.sim.SimulatedBackup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Paths and queries as the backup sees them: pair {@code a} at /a and pair {@code ab} at /ab. A path with more
 * than one reading is refused with 400 and a reason (never routed on its raw text while Jetty serves another); a
 * query a URI may hold goes to the backup byte for byte, any other is refused with 400, never a 502.
 */
@EndToEnd
class PathsAndQueriesEndToEndTest {
    @TempDir
    Path dir;
    SimulatedBackup a;
    SimulatedBackup ab;
    Carpgate carpgate;
    byte[] firmware;

    @BeforeEach
    void start() throws Exception {
        a = backup();
        ab = backup();
        Files.writeString(dir.resolve("api.txt"), Pair.API_KEY + ":" + Pair.API_SECRET + "\n");
        Path file = dir.resolve("carpgate.yml");
        Files.writeString(file, "listen: {host: 127.0.0.1, port: 0}\n"
                + "tls: {cert: certs/c.crt, key: certs/c.key}\n"
                + "logs: {dir: logs}\n"
                + "admin: {enabled: false}\n"
                + "state-dir: state\n"
                + "pairs:\n"
                + "  - name: a\n    path: /a\n"
                + "    backup: {url: '" + a.baseUrl() + "', pin-sha256: '" + a.fingerprint() + "', api-credentials: api.txt}\n"
                + "  - name: ab\n    path: /ab\n"
                + "    backup: {url: '" + ab.baseUrl() + "', pin-sha256: '" + ab.fingerprint() + "', api-credentials: api.txt}\n");
        CarpgateConfig config = ConfigLoader.load(file, Map.of());
        LogSetup.configure(config.logs());
        carpgate = Carpgate.start(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                List.of());
        firmware = Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            carpgate.close();
        } finally {
            a.close();
            ab.close();
        }
    }

    private static SimulatedBackup backup() {
        return SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD)
                .withApiCredentials(Pair.API_KEY, Pair.API_SECRET));
    }

    private Loopback.Answer call(String target) throws Exception {
        return Loopback.firmware(java.net.InetAddress.getLoopbackAddress(), carpgate.port(), target, firmware);
    }

    private static List<ReceivedCall> xmlrpc(SimulatedBackup backup) {
        return backup.received().stream().filter(c -> c.path().equals("/xmlrpc.php")).toList();
    }

    /** The spelling and its relatives: none reaches pair a (nor ab), each is a 400 that says why. */
    @ParameterizedTest
    @ValueSource(strings = {"/a/../ab/xmlrpc.php", "/a/./xmlrpc.php", "/ab/../a/xmlrpc.php", "/a/%2e%2e/ab/xmlrpc.php",
            "/a%2Fxmlrpc.php", "/a/xmlrpc%2ephp", "/a;x/xmlrpc.php", "/a//xmlrpc.php", "/a/..;/ab/xmlrpc.php",
            "/a\\..\\ab/xmlrpc.php"})
    void aPathWithMoreThanOneReadingIsRejectedAndReachesNoBackup(String path) throws Exception {
        Loopback.Answer answer = call(path);
        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(xmlrpc(a)).isEmpty();
        assertThat(xmlrpc(ab)).isEmpty();
    }

    /** carpgate's own 400s say why (Jetty refuses a few spellings itself, also with 400, before carpgate sees them). */
    @ParameterizedTest
    @ValueSource(strings = {"/a/../ab/xmlrpc.php", "/a/./xmlrpc.php", "/a;x/xmlrpc.php", "/a/xmlrpc.php/.."})
    void carpgatesRejectionNamesWhatIsWrongWithThePath(String path) throws Exception {
        Loopback.Answer answer = call(path);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text()).contains("<fault>", "nothing was sent to the backup", "the path holds");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a/xmlrpc.php", "/a/sub/xmlrpc.php", "/ab/xmlrpc.php"})
    void aPlainPathReachesItsOwnPair(String path) throws Exception {
        assertThat(call(path).status()).isEqualTo(200);
        SimulatedBackup expected = path.startsWith("/ab/") ? ab : a;
        SimulatedBackup other = expected == a ? ab : a;
        assertThat(xmlrpc(expected)).hasSize(1);
        assertThat(xmlrpc(other)).isEmpty();
    }

    /** Queries a URI may hold reach the backup exactly as written, percent-encoding and all. */
    @ParameterizedTest
    @ValueSource(strings = {"a=b", "a=%41&b=%zZ9", "x=%2F%2e", "q=a/b?c:d@e!$&'()*+,;=", "", "%41%42"})
    void aValidQueryReachesTheBackupByteForByte(String query) throws Exception {
        Loopback.Answer answer = call("/a/xmlrpc.php?" + query);
        if (query.contains("%zZ")) {
            assertThat(answer.status()).as("%zZ is not two hex digits").isEqualTo(400);
            assertThat(xmlrpc(a)).isEmpty();
            return;
        }
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(xmlrpc(a)).singleElement().extracting(ReceivedCall::rawQuery).isEqualTo(Optional.of(query));
    }

    /** The spellings: each a 400 with its reason, never a 502 "internal error", and nothing forwarded. */
    @ParameterizedTest
    @ValueSource(strings = {"a=|", "a={b}", "a=^", "a=\"x\"", "a=<b>", "a=\\", "%zz", "a=%", "a=%4", "%", "a=`"})
    void aQueryNoUriMayHoldIsRejectedWithAReason(String query) throws Exception {
        Loopback.Answer answer = call("/a/xmlrpc.php?" + query);
        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.text()).contains("the query string holds").doesNotContain("internal error");
        assertThat(xmlrpc(a)).isEmpty();
    }
}
