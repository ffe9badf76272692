package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.observe.DecisionLog;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #16, row 2: what a client sends is never kept or echoed whole. A huge id in restart_service, again and
 * again, leaves a small answer, small decision-log lines and a small status page; a long path, query and
 * User-Agent a small access-log line.
 */
@EndToEnd
@Timeout(180)
class EchoBoundsEndToEndTest {
    static final String AUTH = RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD);
    static final RawHttps HTTP = new RawHttps();

    @TempDir
    Path dir;
    Pair pair;

    @BeforeEach
    void start() throws Exception {
        pair = Pair.start(dir, "", SyncEndToEndTest.MAP);
    }

    @AfterEach
    void stop() throws Exception {
        pair.close();
    }

    static byte[] restart(String id) {
        return ("<?xml version=\"1.0\"?>\n<methodCall><methodName>opnsense.restart_service</methodName><params><param>"
                + "<value><struct><member><name>service</name><value><string>wireguard</string></value></member>"
                + "<member><name>id</name><value><string>" + id + "</string></value></member></struct></value>"
                + "</param></params></methodCall>").getBytes(StandardCharsets.UTF_8);
    }

    private URI admin(String path) {
        return URI.create("http://127.0.0.1:" + pair.carpgate.admin().orElseThrow().port() + path);
    }

    /** The 4 MiB id, 30 times: refused as unreadable (a value the gate reads is bounded), all small. */
    @Test
    void aFourMebibyteIdThirtyTimesStaysSmallEverywhere() throws Exception {
        byte[] body = restart("i".repeat(4 << 20));
        for (int i = 0; i < 30; i++) {
            RawHttps.Answer answer = HTTP.post(pair.carpgate("/xmlrpc.php"), AUTH, body);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body().length).as("answer bytes").isLessThan(4096);
            assertThat(answer.text()).contains("nothing was sent to the backup").contains("longer than 1048576 chars");
        }
        pair.awaitLog("decisions.jsonl", "longer than 1048576 chars");
        assertSmallTraces(30);
        assertThat(pair.xmlrpcCalls()).extracting(c -> c.methodName().orElse("")).containsOnly("opnsense.firmware_version");
    }

    /** An id under the reader's bound is decided on whole (suppressed) but echoed cut, with the marker. */
    @Test
    void aLongIdIsDecidedOnWholeAndEchoedCut() throws Exception {
        String id = "u".repeat(512 * 1024);
        for (int i = 0; i < 30; i++) {
            RawHttps.Answer answer = HTTP.post(pair.carpgate("/xmlrpc.php"), AUTH, restart(id));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.text()).contains("carpgate suppressed").contains("bytes)");
            assertThat(answer.body().length).as("answer bytes").isLessThan(4096);
        }
        pair.awaitLog("decisions.jsonl", "…(+");
        assertSmallTraces(30);
        assertThat(pair.xmlrpcCalls()).extracting(c -> c.methodName().orElse("")).containsOnly("opnsense.firmware_version");
    }

    private void assertSmallTraces(int calls) throws Exception {
        String decisions = pair.awaitLog("decisions.jsonl", "\"decision\"");
        String[] lines = decisions.split("\n");
        assertThat(lines).hasSizeGreaterThanOrEqualTo(calls);
        for (String line : lines) {
            assertThat(line.length()).as("decision line").isLessThanOrEqualTo(DecisionLog.MAX_LINE).isLessThan(8192);
        }
        RawHttps.Answer status = HTTP.get(admin("/"));
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.body().length).as("status page bytes").isLessThan(400_000);
        // Still serving, nothing lost.
        RawHttps.Answer firmware = HTTP.post(pair.carpgate("/xmlrpc.php"), AUTH,
                java.nio.file.Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml")));
        assertThat(firmware.text()).contains("firmware");
    }

    @Test
    void aLongPathQueryAndUserAgentMakeAShortAccessLogLine() throws Exception {
        String query = "q=" + "a".repeat(5000);
        try (RawTls raw = new RawTls(pair.carpgate.port(), 10_000)) {
            raw.send("GET /xmlrpc.php?" + query + " HTTP/1.1\r\nHost: carpgate\r\nUser-Agent: " + "b".repeat(2000)
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(raw.readAll()).startsWith("HTTP/1.1");
        }
        String access = pair.awaitLog("access.log", "aaaa");
        for (String line : access.split("\n")) {
            assertThat(line.length()).as("access line").isLessThan(5000);
        }
        assertThat(access).contains("…(+");
    }
}
