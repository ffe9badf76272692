package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.sim.SimulatedBackup;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input and a backup that cannot be reached: a clear answer, nothing forwarded, never a fake success. */
@EndToEnd
class FailuresEndToEndTest {
    static final String OTHER_PIN = "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";

    @TempDir
    Path dir;
    final RawHttps http = new RawHttps();

    private static String auth() {
        return RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD);
    }

    private static byte[] fixture(String name) throws Exception {
        return Files.readAllBytes(PythonMaster.fixtures().resolve(name));
    }

    @Test
    void malformedRequestsGetAFaultAndReachNothing() throws Exception {
        try (Pair pair = Pair.start(dir, "", null)) {
            List<String> bodies = List.of(
                    "<methodCall><methodName>opnsense.restart_service</methodName>",
                    "<?xml version=\"1.0\"?><methodResponse><params/></methodResponse>",
                    "not xml at all",
                    "<!DOCTYPE methodCall [<!ENTITY w \"wireguard\">]><methodCall><methodName>opnsense.restart_service"
                            + "</methodName><params><param><value><struct><member><name>service</name><value>&w;</value>"
                            + "</member></struct></value></param></params></methodCall>");
            for (String body : bodies) {
                RawHttps.Answer answer = http.post(pair.carpgate("/xmlrpc.php"), auth(), body.getBytes(StandardCharsets.UTF_8));
                assertThat(answer.status()).as(body).isEqualTo(200);
                assertThat(answer.text()).as(body).contains("<fault>", "faultCode", "nothing was sent");
            }
            assertThat(pair.xmlrpcCalls()).isEmpty();
            pair.exchanges.await("every body answered", r -> pair.exchanges.records().size() >= bodies.size());
            assertThat(pair.exchanges.records()).hasSize(bodies.size())
                    .allSatisfy(r -> assertThat(r.decisionSummary()).isEqualTo("rejected"));
        }
    }

    @Test
    void bodiesOverTheLimitGet413() throws Exception {
        try (Pair pair = Pair.start(dir, "limits: {max-body: 1KiB}\n", null)) {
            byte[] big = new String(fixture("restore_config_section.request.xml"), StandardCharsets.UTF_8)
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(big.length).isGreaterThan(1024);
            RawHttps.Answer answer = http.post(pair.carpgate("/xmlrpc.php"), auth(), big);
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.text()).contains("<fault>");
            assertThat(pair.xmlrpcCalls()).isEmpty();
            // A small call still passes.
            assertThat(http.post(pair.carpgate("/xmlrpc.php"), auth(), fixture("firmware_version.request.xml")).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aWrongPinSendsNothingAndTheMasterGets502NamingTheMismatch() throws Exception {
        try (SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD).withApiCredentials(Pair.API_KEY, Pair.API_SECRET));
             Pair pair = Pair.start(dir, backup, backup.baseUrl(), OTHER_PIN, "", null)) {
            RawHttps.Answer answer = http.post(pair.carpgate("/xmlrpc.php"), auth(), fixture("firmware_version.request.xml"));
            assertThat(answer.status()).isEqualTo(502);
            assertThat(answer.text()).contains("<fault>", "does not match", OTHER_PIN);
            assertThat(pair.xmlrpcCalls()).isEmpty();
            assertThat(pair.exchanges.awaitCall("opnsense.firmware_version", "failed").reason())
                    .contains("does not match");
        }
    }

    @Test
    void anUnreachableBackupIs502NeverASuccess() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults());
             Pair pair = Pair.start(dir, backup, URI.create("https://127.0.0.1:" + closedPort),
                     backup.fingerprint().toString(), "", null)) {
            RawHttps.Answer answer = http.post(pair.carpgate("/xmlrpc.php"), auth(), fixture("firmware_version.request.xml"));
            assertThat(answer.status()).isEqualTo(502);
            assertThat(answer.text()).contains("<fault>", "connection refused", "could not deliver the call");
        }
    }

    @Test
    void aBackupThatNeverAnswersIs502AfterTheUpstreamTimeout() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults());
             Pair pair = Pair.start(dir, backup, URI.create("https://127.0.0.1:" + silent.getLocalPort()),
                     backup.fingerprint().toString(), "limits: {upstream-timeout: 1s}\n", null)) {
            Thread acceptor = new Thread(() -> {
                try {
                    held.add(silent.accept()); // accepts the TCP connection, never speaks TLS
                } catch (java.io.IOException e) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long start = System.nanoTime();
            RawHttps.Answer answer = http.post(pair.carpgate("/xmlrpc.php"), auth(), fixture("firmware_version.request.xml"));
            assertThat(answer.status()).isEqualTo(502);
            assertThat(answer.text()).contains("<fault>", "timed out after 1 s", "could not deliver the call")
                    .doesNotContain("may still have run");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(20_000);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void aBackupThatTakesTheCallButAnswersTooLateIs502NeverASuccess() throws Exception {
        try (Pair pair = Pair.start(dir, "limits: {upstream-timeout: 1s}\n", null)) {
            pair.backup.setXmlRpcDelay(java.time.Duration.ofSeconds(4));
            RawHttps.Answer answer = http.post(pair.carpgate("/xmlrpc.php"), auth(), fixture("firmware_version.request.xml"));
            assertThat(answer.status()).isEqualTo(502);
            assertThat(answer.text()).contains("<fault>", "timed out after 1 s").doesNotContain("firmware")
                    .contains("the backup may still have run the call");
            // The backup did get the call: the master is told it failed all the same, never a made-up success.
            assertThat(pair.xmlrpcCalls()).hasSize(1);
            assertThat(pair.exchanges.awaitCall("opnsense.firmware_version", "failed").reason())
                    .contains("timed out after 1 s", "the backup may have run the call", "(was: forwarded");
        }
    }

    @Test
    void aMasterThatLeavesBeforeTheAnswerIsLoggedAsWhatTheBackupDidNotAsFailed() throws Exception {
        try (Pair pair = Pair.start(dir, "", null)) {
            pair.backup.setXmlRpcDelay(java.time.Duration.ofSeconds(1));
            byte[] call = fixture("firmware_version.request.xml");
            try (RawTls raw = new RawTls(pair.carpgate.port(), 10_000)) {
                raw.send("POST /xmlrpc.php HTTP/1.1\r\nHost: carpgate\r\nContent-Type: text/xml\r\n"
                        + "Authorization: " + auth() + "\r\nContent-Length: " + call.length + "\r\n\r\n").send(call);
                org.awaitility.Awaitility.await("the call reaches the backup").atMost(ExchangeRecorder.DEADLINE)
                        .until(() -> pair.xmlrpcCalls().size() == 1);
                raw.socket.setSoLinger(true, 0); // the master goes away (reset) while the backup works on the call
            }
            io.carpgate.policy.CallOutcome call0 = pair.exchanges.awaitCall("opnsense.firmware_version",
                    c -> c.method().equals("opnsense.firmware_version"));
            // The backup ran it: the record keeps the decision and says the master never heard the answer.
            assertThat(call0.action()).isEqualTo(io.carpgate.policy.Action.FORWARDED);
            assertThat(call0.reason()).contains("could not be delivered to the master");
            assertThat(pair.exchanges.records()).singleElement().satisfies(r ->
                    assertThat(r.upstreamStatus()).as("the backup's answer").contains(200));
        }
    }

    @Test
    void compressedBodiesAreRejectedBecauseTheyCannotBeInspected() throws Exception {
        try (Pair pair = Pair.start(dir, "", null)) {
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                    .sslContext(io.carpgate.tls.NoVerification.sslContext()).build();
            java.net.http.HttpResponse<String> response = client.send(java.net.http.HttpRequest.newBuilder(
                            pair.carpgate("/xmlrpc.php")).header("Content-Encoding", "gzip")
                    .header("Content-Type", "text/xml")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("xx")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(415);
            assertThat(pair.xmlrpcCalls()).isEmpty();
        }
    }
}
