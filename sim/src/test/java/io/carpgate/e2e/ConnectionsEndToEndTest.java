package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections are bounded before a request is read: allow-from and the per-client cap at the accept, the TLS
 * handshake deadline, the first request's deadline from the accept. The master is 127.0.0.2, strangers 127.0.0.1.
 */
@EndToEnd
class ConnectionsEndToEndTest {
    static final int STRANGERS = 260;

    @TempDir
    Path dir;
    Pair pair;
    byte[] firmware;

    @BeforeEach
    void start() throws Exception {
        pair = Pair.start(dir, "allow-from: [127.0.0.2/32, 127.0.0.3/32]\n"
                + "limits: {tls-handshake-timeout: 2s, request-read-timeout: 4s, max-connections-per-client: 4}\n",
                SyncEndToEndTest.MAP);
        firmware = Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
    }

    @AfterEach
    void stop() throws Exception {
        pair.close();
    }

    private void masterIsServed() throws Exception {
        long start = System.nanoTime();
        Loopback.Answer answer = Loopback.firmware(Loopback.MASTER, pair.carpgate.port(), "/xmlrpc.php", firmware);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.text()).contains("firmware");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the master's call in its normal time")
                .isLessThan(Duration.ofSeconds(5));
    }

    private double metric(String series) throws Exception {
        int admin = pair.carpgate.admin().orElseThrow().port();
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(series.length() + 1).trim())).findFirst().orElseThrow(() -> new AssertionError(
                "no series " + series));
    }

    /**
     * The row 3: 260 connections from outside allow-from, each trickling a ClientHello, are closed at
     * once, before TLS; each byte they send finds the connection gone; the master is served all the while.
     */
    @Test
    void strangersTricklingAClientHelloAreClosedAtTheAcceptWhileTheMasterIsServed() throws Exception {
        assertThat(metric("carpgate_connections_dropped_total{reason=\"allow-from\"}")).isZero();
        byte[] hello = Loopback.clientHello();
        List<Socket> strangers = new ArrayList<>();
        int resetAtConnect = 0;
        try {
            for (int i = 0; i < STRANGERS; i++) {
                try {
                    strangers.add(Loopback.tcp(Loopback.STRANGER, pair.carpgate.port(), 5_000));
                } catch (java.net.SocketException e) {
                    resetAtConnect++; // reset before connect() even returned: closed at once
                }
            }
            masterIsServed();
            // Every stranger is already closed: its first byte of ClientHello finds a reset or the end of the stream.
            long start = System.nanoTime();
            int stillOpen = 0;
            for (Socket stranger : strangers) {
                if (Loopback.trickle(stranger, hello[0]) && !Loopback.closedWithin(stranger, 2_000)) {
                    stillOpen++;
                }
            }
            assertThat(stillOpen).as("strangers still connected (of %d, %d reset while connecting)",
                    STRANGERS, resetAtConnect).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("closed at once, not at a timeout")
                    .isLessThan(Duration.ofSeconds(20));
            masterIsServed();
        } finally {
            for (Socket stranger : strangers) {
                stranger.close();
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> metric("carpgate_connections_dropped_total{reason=\"allow-from\"}") >= STRANGERS);
        assertThat(pair.xmlrpcCalls()).hasSize(2);
    }

    /** An allowed client trickling its ClientHello (a byte every 200 ms) is closed at the 2 s handshake deadline. */
    @Test
    void anAllowedClientTricklingItsHandshakeIsClosedAtTheHandshakeDeadline() throws Exception {
        byte[] hello = Loopback.clientHello();
        try (Socket slow = Loopback.tcp(Loopback.OTHER_HOST, pair.carpgate.port(), 5_000)) {
            long start = System.nanoTime();
            boolean open = true;
            for (int i = 0; i < 50 && open && i < hello.length; i++) { // at most 10 s; the idle timeout is 30 s
                open = Loopback.trickle(slow, hello[i]);
                if (open) {
                    open = !Loopback.closedWithin(slow, 150);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(open).as("closed before the loop's end").isFalse();
            assertThat(seconds).as("at the 2 s handshake deadline").isBetween(1.5, 6.0);
        }
        masterIsServed();
        assertThat(metric("carpgate_connections_dropped_total{reason=\"tls-handshake-timeout\"}")).isEqualTo(1);
    }

    /** The first request's deadline counts from the accept: a client that shakes hands and then says nothing goes. */
    @Test
    void aConnectionThatNeverSendsItsRequestIsClosedAtTheRequestDeadlineCountedFromTheAccept() throws Exception {
        try (RawTls silent = new RawTls(Loopback.OTHER_HOST, pair.carpgate.port(), 10_000)) {
            long start = System.nanoTime();
            assertThat(silent.closedByServer()).as("closed within the socket's 10 s (idle timeout: 30 s)").isTrue();
            assertThat((System.nanoTime() - start) / 1e9).as("at the 4 s request deadline").isBetween(2.5, 8.0);
        }
        assertThat(metric("carpgate_connections_dropped_total{reason=\"request-read-timeout\"}")).isEqualTo(1);
    }

    /** One allowed host holding idle connections gets 4; the fifth and later are closed at once; the master is served. */
    @Test
    @SuppressWarnings("try") // the connections are held open on purpose while the body runs
    void oneAddressGetsItsShareOfConnectionsAndTheMasterIsStillServed() throws Exception {
        List<RawTls> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                held.add(new RawTls(Loopback.OTHER_HOST, pair.carpgate.port(), 5_000));
            }
            int refused = 0;
            for (int i = 0; i < 12; i++) {
                try (RawTls extra = new RawTls(Loopback.OTHER_HOST, pair.carpgate.port(), 5_000)) {
                    // a handshake that completes means a slot was given
                } catch (java.io.IOException e) {
                    refused++;
                }
            }
            assertThat(refused).as("connections past the 4 of this address").isEqualTo(12);
            assertThat(pair.carpgate.server().connectionsFrom(Loopback.OTHER_HOST)).isEqualTo(4);
            masterIsServed();
        } finally {
            for (RawTls tls : held) {
                tls.close();
            }
        }
        // Closed connections give their slots back.
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> pair.carpgate.server().connectionsFrom(Loopback.OTHER_HOST) == 0);
        try (RawTls again = new RawTls(Loopback.OTHER_HOST, pair.carpgate.port(), 5_000)) {
            assertThat(again.socket.getSession().getProtocol()).startsWith("TLSv1.");
        }
        assertThat(metric("carpgate_connections_dropped_total{reason=\"per-client-limit\"}")).isEqualTo(12);
    }

    /** A reload applies a new per-client cap to new connections at once; the handshake deadline waits for a restart. */
    @Test
    @SuppressWarnings("try") // the connections are held open on purpose while the body runs
    void aReloadAppliesANewPerClientCapAndNamesTheHandshakeDeadlineAsRestartOnly() throws Exception {
        Path config = dir.resolve("carpgate.yml");
        Files.writeString(config, Files.readString(config).replace("tls-handshake-timeout: 2s", "tls-handshake-timeout: 3s")
                .replace("max-connections-per-client: 4", "max-connections-per-client: 2"));
        io.carpgate.runtime.Carpgate.ReloadResult result = pair.carpgate.reload(java.util.Map.of());
        assertThat(((io.carpgate.runtime.Carpgate.ReloadResult.Applied) result).needRestart())
                .containsExactly("limits.tls-handshake-timeout");
        try (RawTls first = new RawTls(Loopback.OTHER_HOST, pair.carpgate.port(), 5_000);
             RawTls second = new RawTls(Loopback.OTHER_HOST, pair.carpgate.port(), 5_000)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> new RawTls(Loopback.OTHER_HOST, pair.carpgate.port(), 5_000).close())
                    .as("the third of this address under the new cap of 2").isInstanceOf(java.io.IOException.class);
            masterIsServed();
        }
    }
}
