package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.sim.CallDelay;
import io.carpgate.sim.SimService;
import io.carpgate.sim.SimulatedBackup;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the backup's own code does that carpgate must live with (docs/PROTOCOL.md): xmlrpc.php's refusals and
 * their cost, the shape of list_services, a PHP fatal error as the answer. Each runs against the simulator's
 * default release, the newest checked (26.7.2); none of these differs between 25.7.11, 26.1.11 and 26.7.2.
 */
@EndToEnd
class BackupByReleaseEndToEndTest {
    static final String LIST = "<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>opnsense.list_services</methodName>\n"
            + "<params>\n</params></methodCall>";

    @TempDir
    Path dir;

    private static SimulatedBackup.Options options() {
        return SimulatedBackup.Options.defaults().withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD)
                .withApiCredentials(Pair.API_KEY, Pair.API_SECRET);
    }

    private static byte[] firmware() throws Exception {
        return Files.readAllBytes(Path.of("core/src/test/resources/opnsense-fixtures/firmware_version.request.xml"));
    }

    @Test
    void xmlrpcRefusesACallFromTheBackupsOwnAddress() throws Exception {
        // xmlrpc.php: SERVER_ADDR == REMOTE_ADDR answers "Authentication failed", whatever the credentials.
        try (SimulatedBackup backup = SimulatedBackup.start(options().refusingOwnAddress())) {
            int port = backup.baseUrl().getPort();
            assertThat(Loopback.firmware(Loopback.STRANGER, port, "/xmlrpc.php", firmware()).text())
                    .contains("<value>Authentication failed</value>");
            assertThat(Loopback.firmware(Loopback.MASTER, port, "/xmlrpc.php", firmware()).text())
                    .contains("<member><name>firmware</name>");
        }
    }

    @Test
    void aWrongPasswordCostsOneDelayPerAuthenticationBackendAndEveryCallTheCallDelay() throws Exception {
        // A real backup pads each failed backend ("Local Database", "Local API") to 2 s: ~4 s for a wrong password.
        Duration authDelay = Duration.ofMillis(300);
        Duration callDelay = Duration.ofMillis(200);
        try (SimulatedBackup backup = SimulatedBackup.start(options().withAuthFailureDelay(authDelay)
                .withCallDelay(callDelay))) {
            URI xmlrpc = URI.create(backup.baseUrl() + "/xmlrpc.php");
            RawHttps http = new RawHttps();
            long started = System.nanoTime();
            assertThat(http.post(xmlrpc, RawHttps.basic(Pair.SYNC_USER, "wrong"), firmware()).text())
                    .contains("Authentication failed");
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isGreaterThanOrEqualTo(authDelay.multipliedBy(2).plus(callDelay));
            started = System.nanoTime();
            assertThat(http.post(xmlrpc, RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), firmware()).text())
                    .contains("<member><name>firmware</name>");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(callDelay);
        }
    }

    @Test
    void aByCallDelayIsAskedWithEachCallsNameAndSizeAndHeldToItsAnswer() throws Exception {
        // The benchmark's backup takes as long per call as OPNsense's PHP: the delay is chosen by call and size.
        Duration firmwareDelay = Duration.ofMillis(300);
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        CallDelay byCall = (call, bytes) -> {
            asked.add(call + " " + bytes);
            return call.equals("opnsense.firmware_version") ? firmwareDelay : Duration.ZERO;
        };
        try (SimulatedBackup backup = SimulatedBackup.start(options().withCallDelay(byCall))) {
            URI xmlrpc = URI.create(backup.baseUrl() + "/xmlrpc.php");
            RawHttps http = new RawHttps();
            byte[] list = LIST.getBytes(StandardCharsets.UTF_8);
            assertThat(http.post(xmlrpc, RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), list).text())
                    .contains("<methodResponse>");
            long started = System.nanoTime();
            assertThat(http.post(xmlrpc, RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), firmware()).text())
                    .contains("<member><name>firmware</name>");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(firmwareDelay);
            assertThat(asked).containsExactly("opnsense.list_services " + list.length,
                    "opnsense.firmware_version " + firmware().length);
        }
    }

    @Test
    void listServicesPassesCarpgateByteForByteInBothShapes() throws Exception {
        // 25.7-26.7 answer a struct keyed "0", "4", ... (uasort() keeps keys); an array only when the sort moved
        // nothing. carpgate decides nothing on that answer; both shapes reach the master as the backup wrote them.
        for (List<SimService> services : List.of(SimService.SMALL_INSTALL, List.of(SimService.of("unbound", "Unbound DNS")))) {
            SimulatedBackup backup = SimulatedBackup.start(options().withServices(services));
            Path here = Files.createDirectories(dir.resolve("pair-" + services.size()));
            try (Pair pair = Pair.start(here, backup, backup.baseUrl(), backup.fingerprint().toString(), "",
                    SyncEndToEndTest.MAP)) {
                RawHttps http = new RawHttps();
                String auth = RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD);
                byte[] direct = http.post(URI.create(backup.baseUrl() + "/xmlrpc.php"), auth,
                        LIST.getBytes(StandardCharsets.UTF_8)).body();
                RawHttps.Answer through = http.post(pair.carpgate("/xmlrpc.php"), auth, LIST.getBytes(StandardCharsets.UTF_8));
                assertThat(through.status()).isEqualTo(200);
                assertThat(through.body()).isEqualTo(direct);
                assertThat(new String(direct, StandardCharsets.UTF_8))
                        .contains(services.size() > 1 ? "      <struct>\n  <member><name>0</name>" : "      <array><data>");
            }
        }
    }

    @Test
    void aPhpFatalErrorNeverReachesTheMasterAsASuccess() throws Exception {
        try (Pair pair = Pair.start(dir, "", SyncEndToEndTest.MAP)) {
            PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "restore");
            byte[] body = ("<?xml version=\"1.0\"?>\n<methodCall><methodName>opnsense.restart_service</methodName>"
                    + "<params><param><value><string>wireguard</string></value></param></params></methodCall>")
                    .getBytes(StandardCharsets.UTF_8);
            RawHttps.Answer answer = new RawHttps().post(pair.carpgate("/xmlrpc.php"),
                    RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), body);
            // A start or restart whose parameter is no struct: carpgate refuses it with a fault, sending nothing
            // (on the backup it would have been a PHP fatal error, which a master cannot parse either).
            assertThat(answer.text()).contains("<fault>", "carpgate rejected the request, nothing was sent to the backup")
                    .doesNotContain("has been restarted");
            assertThat(pair.xmlrpcCalls()).hasSize(1); // the restore only
            // A stop is no start: it goes to the backup, whose fatal error reaches the master as it was written,
            // no methodResponse, so the master's client fails to parse it: never a success.
            RawHttps.Answer stop = new RawHttps().post(pair.carpgate("/xmlrpc.php"),
                    RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD),
                    new String(body, StandardCharsets.UTF_8).replace("restart_service", "stop_service")
                            .getBytes(StandardCharsets.UTF_8));
            assertThat(stop.text()).contains("<b>Fatal error</b>").doesNotContain("methodResponse");
            assertThat(pair.xmlrpcCalls()).hasSize(2);
        }
    }
}
