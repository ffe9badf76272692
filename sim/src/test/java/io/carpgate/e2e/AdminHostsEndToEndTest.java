package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin listener answers only its own Host names (DNS rebinding sends the attacker's name): others get 421. */
@EndToEnd
class AdminHostsEndToEndTest {
    @TempDir
    Path dir;

    /** A plain HTTP/1.1 GET with exactly this Host line (or none): the answer's status code. */
    private static int get(int port, String hostLine) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            String version = hostLine == null ? "HTTP/1.0" : "HTTP/1.1";
            socket.getOutputStream().write(("GET /metrics " + version + "\r\n" + (hostLine == null ? "" : hostLine + "\r\n")
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            if (answer.contains(" 421 ")) {
                assertThat(answer).contains("admin.hosts").doesNotContain("carpgate_");
            }
            return Integer.parseInt(answer.substring(9, 12));
        }
    }

    @Test
    void theDefaultNamesWithAnyPortAreAnsweredAndARebindingNameIsNot() throws Exception {
        try (Pair pair = Pair.start(dir, "", null)) {
            int port = pair.carpgate.admin().orElseThrow().port();
            for (String ok : new String[]{"localhost", "localhost:" + port, "LOCALHOST:80", "localhost.", "127.0.0.1",
                    "127.0.0.1:" + port, "[::1]", "[::1]:" + port}) {
                assertThat(get(port, "Host: " + ok)).as(ok).isEqualTo(200);
            }
            for (String rebinding : new String[]{"evil.example", "evil.example:" + port, "localhost.evil.example",
                    "127.0.0.1.nip.io:" + port, "10.0.0.1", "[::2]:" + port, "::1", "localhost:x", "[::1", ""}) {
                assertThat(get(port, "Host: " + rebinding)).as(rebinding).isIn(421, 400);
            }
            assertThat(get(port, "Host: evil.example")).isEqualTo(421);
            assertThat(get(port, null)).as("HTTP/1.0 without a Host: not a browser").isEqualTo(200);
        }
    }

    @Test
    void admin_hostsReplacesTheNamesAndTheBindAddressIsAlwaysAnswered() throws Exception {
        try (Pair pair = Pair.start(dir, "admin: {host: 127.0.0.1, port: 0, hosts: [carpgate.example.net]}\n", null)) {
            int port = pair.carpgate.admin().orElseThrow().port();
            assertThat(get(port, "Host: carpgate.example.net:" + port)).isEqualTo(200);
            assertThat(get(port, "Host: 127.0.0.1:" + port)).as("the bind address").isEqualTo(200);
            assertThat(get(port, "Host: localhost")).as("no longer listed").isEqualTo(421);
            assertThat(get(port, "Host: evil.example")).isEqualTo(421);
        }
    }
}
