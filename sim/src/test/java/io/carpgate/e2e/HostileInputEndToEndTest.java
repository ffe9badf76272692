package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Anyone who reaches carpgate can send anything: it answers cleanly, forwards nothing wrong, keeps serving. */
@EndToEnd
class HostileInputEndToEndTest {
    @TempDir
    static Path dir;
    static Pair pair;
    static byte[] firmware;
    static final String AUTH = RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD);

    @BeforeAll
    static void start() throws Exception {
        pair = Pair.start(dir, "limits: {client-idle-timeout: 1s}\n", SyncEndToEndTest.MAP);
        firmware = Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
    }

    @AfterAll
    static void stop() throws Exception {
        pair.close();
    }

    @BeforeEach
    void clean() {
        pair.backup.reset();
    }

    private static RawHttps.Answer post(String body) throws Exception {
        // A new connection per call, as the master's curl makes them: a kept one can meet carpgate's 1 s idle close
        // as it is reused, and the JDK never retries a POST ("header parser received no bytes").
        return new RawHttps().post(pair.carpgate("/xmlrpc.php"), AUTH, body.getBytes(StandardCharsets.UTF_8));
    }

    /** After each hostile case carpgate still serves an ordinary call. */
    private static void stillServing() throws Exception {
        pair.backup.reset();
        RawHttps.Answer answer = new RawHttps().post(pair.carpgate("/xmlrpc.php"), AUTH, firmware);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).contains("firmware");
        assertThat(pair.xmlrpcCalls()).hasSize(1);
    }

    private static void rejectedAndNothingForwarded(RawHttps.Answer answer) {
        assertThat(answer.text()).contains("<fault>", "nothing was sent");
        assertThat(pair.xmlrpcCalls()).isEmpty();
    }

    private static String restart(String params) {
        return "<?xml version=\"1.0\"?><methodCall><methodName>opnsense.restart_service</methodName><params><param>"
                + params + "</param></params></methodCall>";
    }

    /**
     * The review's case: one multicall of 20,000 calls wrote 12 MB of decision lines and a 5 MB access-log line. Past
     * the bound it is rejected whole, as one call: one decision line, a short access-log line, nothing forwarded.
     */
    @Test
    void aMulticallOfManyCallsIsRejectedAsOneAndWritesLittle() throws Exception {
        StringBuilder body = new StringBuilder("<?xml version=\"1.0\"?><methodCall><methodName>system.multicall"
                + "</methodName><params><param><value><array><data>");
        for (int i = 0; i < 20_000; i++) {
            body.append("<value><struct><member><name>methodName</name><value><string>opnsense.m").append(i)
                    .append("</string></value></member><member><name>params</name><value><array><data></data>"
                            + "</array></value></member></struct></value>");
        }
        body.append("</data></array></value></param></params></methodCall>");
        long decisionsBefore = pair.log("decisions.jsonl").lines().count();

        RawHttps.Answer answer = post(body.toString());
        rejectedAndNothingForwarded(answer);
        assertThat(answer.text()).contains("system.multicall of 20000 calls; carpgate accepts at most 64");
        io.carpgate.observe.ExchangeRecord record = pair.exchanges.await("the big multicall",
                r -> r.bytesIn() == body.length());
        assertThat(record.calls()).singleElement().satisfies(c -> {
            assertThat(c.method()).isEqualTo("system.multicall");
            assertThat(c.action()).isEqualTo(io.carpgate.policy.Action.REJECTED);
        });
        String line = pair.log("access.log").lines().filter(l -> l.contains("method=system.multicall ")).reduce((a, b) -> b)
                .orElseThrow();
        assertThat(line).contains("decision=rejected").hasSizeLessThan(1024);
        assertThat(pair.log("decisions.jsonl").lines().count() - decisionsBefore).as("one line, no sent line")
                .isEqualTo(1);
        stillServing();
    }

    @Test
    void externalEntitiesAreNeverFetched() throws Exception {
        AtomicInteger contacted = new AtomicInteger();
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(1500);
            Thread watcher = new Thread(() -> {
                try {
                    listener.accept().close();
                    contacted.incrementAndGet();
                } catch (java.io.IOException e) {
                    // nobody came: that is the point
                }
            });
            watcher.start();
            String url = "http://127.0.0.1:" + listener.getLocalPort() + "/x";
            rejectedAndNothingForwarded(post("<?xml version=\"1.0\"?><!DOCTYPE methodCall [<!ENTITY e SYSTEM \"" + url
                    + "\">]><methodCall><methodName>&e;</methodName></methodCall>"));
            rejectedAndNothingForwarded(post("<?xml version=\"1.0\"?><!DOCTYPE methodCall SYSTEM \"" + url
                    + "\"><methodCall><methodName>x</methodName></methodCall>"));
            watcher.join(5000);
        }
        assertThat(contacted).hasValue(0);
        stillServing();
    }

    @Test
    void entityExpansionBombsAreRejectedAtOnce() throws Exception {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE methodCall [<!ENTITY a0 \"wireguard\">");
        for (int i = 1; i < 12; i++) {
            dtd.append("<!ENTITY a").append(i).append(" \"").append(("&a" + (i - 1) + ";").repeat(10)).append("\">");
        }
        dtd.append("]>");
        long start = System.nanoTime();
        rejectedAndNothingForwarded(post(dtd + "<methodCall><methodName>&a11;</methodName></methodCall>"));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
        stillServing();
    }

    @Test
    void deepNestingHugeNamesAndMillionsOfMembersAreBounded() throws Exception {
        long start = System.nanoTime();
        rejectedAndNothingForwarded(post(restart("<value>" + "<array><data><value>".repeat(100_000) + "x"
                + "</value></data></array>".repeat(100_000) + "</value>")));
        rejectedAndNothingForwarded(post(restart("<value><struct><member><name>" + "n".repeat(10 << 20)
                + "</name><value>x</value></member></struct></value>")));
        StringBuilder members = new StringBuilder("<value><struct>");
        for (int i = 0; i < 1_000_000; i++) {
            members.append("<member><name>m").append(i).append("</name><value>v</value></member>");
        }
        members.append("<member><name>service</name><value>wireguard</value></member></struct></value>");
        RawHttps.Answer many = post(restart(members.toString()));
        assertThat(many.status()).isEqualTo(200);
        assertThat(many.text()).containsAnyOf("carpgate suppressed", "carpgate rejected");
        assertThat(pair.xmlrpcCalls()).isEmpty();
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms for all three").isLessThan(60_000);
        stillServing();
    }

    @Test
    void stalledHeadersAndStalledBodiesLoseTheirConnection() throws Exception {
        try (RawTls stalledHeaders = new RawTls(pair.carpgate.port(), 10_000);
             RawTls stalledBody = new RawTls(pair.carpgate.port(), 10_000)) {
            stalledHeaders.send("POST /xmlrpc.php HTTP/1.1\r\nHost: carpgate\r\n");
            stalledBody.send("POST /xmlrpc.php HTTP/1.1\r\nHost: carpgate\r\nContent-Type: text/xml\r\n"
                    + "Content-Length: 1000\r\n\r\n<?xml version=\"1.0\"?>");
            stillServing(); // others are served while those two hang
            assertThat(stalledHeaders.closedByServer()).as("stalled headers closed").isTrue();
            assertThat(stalledBody.closedByServer()).as("stalled body closed").isTrue();
        }
        assertThat(pair.xmlrpcCalls()).hasSize(1);
    }

    @Test
    void chunkedHttp10PipelinedAnd100ContinueRequestsAreAnsweredCorrectly() throws Exception {
        String auth = "Authorization: " + AUTH + "\r\n";
        String body = new String(firmware, StandardCharsets.ISO_8859_1);

        String half = body.substring(0, body.length() / 2);
        String rest = body.substring(body.length() / 2);
        try (RawTls chunked = new RawTls(pair.carpgate.port(), 10_000)) {
            String answer = chunked.send("POST /xmlrpc.php HTTP/1.1\r\nHost: c\r\nContent-Type: text/xml\r\n" + auth
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + Integer.toHexString(half.length()) + "\r\n" + half + "\r\n"
                    + Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n").readAll();
            assertThat(answer).startsWith("HTTP/1.1 200").contains("firmware");
            assertThat(answer.split("\r\nDate: ", -1)).as("exactly one Date header").hasSize(2);
        }
        assertThat(pair.xmlrpcCalls().get(0).body()).isEqualTo(firmware);

        try (RawTls http10 = new RawTls(pair.carpgate.port(), 10_000)) {
            String answer = http10.send("POST /xmlrpc.php HTTP/1.0\r\nContent-Type: text/xml\r\n" + auth
                    + "Content-Length: " + firmware.length + "\r\n\r\n" + body).readAll();
            // RFC 9110: a server answers with its own highest version; the body is the backup's.
            assertThat(answer).matches("(?s)HTTP/1\\.[01] 200.*").contains("firmware");
        }

        String one = "POST /xmlrpc.php HTTP/1.1\r\nHost: c\r\nContent-Type: text/xml\r\n" + auth
                + "Content-Length: " + firmware.length + "\r\n";
        try (RawTls pipelined = new RawTls(pair.carpgate.port(), 10_000)) {
            String answer = pipelined.send(one + "\r\n" + body + one + "Connection: close\r\n\r\n" + body).readAll();
            assertThat(answer.split("HTTP/1.1 200", -1)).hasSize(3);
        }

        try (RawTls expect = new RawTls(pair.carpgate.port(), 10_000)) {
            expect.send(one + "Expect: 100-continue\r\nConnection: close\r\n\r\n");
            byte[] interim = new byte[25];
            int read = expect.socket.getInputStream().read(interim);
            assertThat(new String(interim, 0, Math.max(read, 0), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 100");
            String answer = expect.send(body).readAll();
            assertThat(answer).contains("HTTP/1.1 200").contains("firmware");
        }
        stillServing();
    }

    @Test
    void aBodyShorterThanItsContentLengthIsNeverForwarded() throws Exception {
        try (RawTls shortBody = new RawTls(pair.carpgate.port(), 10_000)) {
            shortBody.send("POST /xmlrpc.php HTTP/1.1\r\nHost: c\r\nContent-Type: text/xml\r\nAuthorization: " + AUTH
                    + "\r\nContent-Length: " + (firmware.length + 50) + "\r\n\r\n").send(firmware);
            shortBody.socket.shutdownOutput();
            String answer = shortBody.readAll();
            assertThat(answer).doesNotContain("firmware");
        }
        assertThat(pair.xmlrpcCalls()).isEmpty();
        stillServing();
    }

    @Test
    void nonPostIsAnsweredByTheBackupAndBytesThatAreNotUtf8AreRejected() throws Exception {
        RawHttps.Answer get = new RawHttps().get(pair.carpgate("/xmlrpc.php"));
        assertThat(get.text()).contains("Authentication failed"); // the backup's own answer to an anonymous GET
        assertThat(pair.xmlrpcCalls()).extracting(c -> c.method()).containsExactly("GET");
        pair.backup.reset();

        byte[] invalidUtf8 = restart("<value><struct><member><name>service</name><value>wire\u00ffguard</value></member>"
                + "</struct></value>").getBytes(StandardCharsets.ISO_8859_1);
        rejectedAndNothingForwarded(new RawHttps().post(pair.carpgate("/xmlrpc.php"), AUTH, invalidUtf8));
        byte[] latin1 = ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + restart("<value>caf\u00e9</value>").substring(21))
                .getBytes(StandardCharsets.ISO_8859_1);
        rejectedAndNothingForwarded(new RawHttps().post(pair.carpgate("/xmlrpc.php"), AUTH, latin1));
        stillServing();
    }

    @Test
    void theStrippedDeclarationsEncodingIsIgnoredAsTheBackupIgnoresItAndAnHonouredOneIsRejected() throws Exception {
        // IXR removes the first declaration before libxml2 reads the message, so its encoding changes nothing:
        // the backup reads UTF-8, and so does carpgate. A harmless call passes byte for byte...
        String iso = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>";
        byte[] harmless = (iso + "<methodCall><methodName>opnsense.firmware_version</methodName><params><param>"
                + "<value>caf\u00e9</value></param></params></methodCall>").getBytes(StandardCharsets.UTF_8);
        RawHttps.Answer passed = new RawHttps().post(pair.carpgate("/xmlrpc.php"), AUTH, harmless);
        assertThat(passed.status()).isEqualTo(200);
        assertThat(pair.xmlrpcCalls()).singleElement().satisfies(c -> assertThat(c.body()).isEqualTo(harmless));
        pair.backup.reset();

        // ...and a WireGuard restart behind that declaration is gated like any other (the backup is BACKUP).
        byte[] start = (iso + restart("<value><struct><member><name>service</name><value>wireguard</value></member>"
                + "<member><name>id</name><value>" + SyncEndToEndTest.WG0 + "</value></member></struct></value>")
                .substring(21)).getBytes(StandardCharsets.UTF_8);
        RawHttps.Answer gated = new RawHttps().post(pair.carpgate("/xmlrpc.php"), AUTH, start);
        assertThat(gated.status()).isEqualTo(200);
        assertThat(gated.text()).contains("carpgate suppressed");
        assertThat(pair.xmlrpcCalls()).isEmpty();

        // A second declaration is the one libxml2 honours: ISO-8859-1 there would be read differently, so refused.
        byte[] honoured = ("<?xml version=\"1.0\"?>" + iso + "<methodCall><methodName>opnsense.firmware_version"
                + "</methodName></methodCall>").getBytes(StandardCharsets.UTF_8);
        rejectedAndNothingForwarded(new RawHttps().post(pair.carpgate("/xmlrpc.php"), AUTH, honoured));
        stillServing();
    }
}
