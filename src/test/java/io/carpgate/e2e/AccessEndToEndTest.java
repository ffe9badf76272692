package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients outside allow-from, and users outside allowed-users, get 403 and reach nothing. */
@EndToEnd
class AccessEndToEndTest {
    @TempDir
    Path dir;

    final RawHttps http = new RawHttps();

    private static byte[] call() throws Exception {
        return Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
    }

    @Test
    void aClientOutsideAllowFromIsRefusedBeforeAnythingIsForwarded() throws Exception {
        try (Pair pair = Pair.start(dir, "allow-from: [192.0.2.1/32]\n", null)) {
            RawHttps.Answer answer = http.post(pair.carpgate("/xmlrpc.php"), RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), call());
            assertThat(answer.status()).isEqualTo(403);
            assertThat(answer.text()).contains("<fault>", "client address not in allow-from");
            assertThat(pair.xmlrpcCalls()).isEmpty();
            assertThat(pair.exchanges.awaitCall("the refusal", c -> c.reason().contains("not in allow-from"))
                    .action()).isEqualTo(io.carpgate.policy.Action.REJECTED);
            assertThat(pair.console.toString()).contains("clients: allow-from [192.0.2.1/32]");
            // Refused without reading the body: the connection is closed and says so, so no client reuses it.
            try (RawTls raw = new RawTls(pair.carpgate.port(), 10_000)) {
                String refused = raw.send("POST /xmlrpc.php HTTP/1.1\r\nHost: c\r\nContent-Type: text/xml\r\n"
                        + "Content-Length: " + call().length + "\r\n\r\n").send(call()).readAll();
                assertThat(refused).startsWith("HTTP/1.1 403").containsIgnoringCase("Connection: close");
            }
        }
    }

    @Test
    void loopbackIsAllowedByDefaultAndAllowedUsersFiltersTheBasicUser() throws Exception {
        try (Pair pair = Pair.start(dir, "allowed-users: [root]\n", null)) {
            assertThat(pair.console.toString()).contains("only loopback may connect");
            RawHttps.Answer ok = http.post(pair.carpgate("/xmlrpc.php"), RawHttps.basic("root", Pair.SYNC_PASSWORD), call());
            assertThat(ok.status()).isEqualTo(200);
            assertThat(pair.xmlrpcCalls()).hasSize(1);

            RawHttps.Answer other = http.post(pair.carpgate("/xmlrpc.php"), RawHttps.basic("admin", "x"), call());
            assertThat(other.status()).isEqualTo(403);
            assertThat(other.text()).contains("user not in allowed-users");
            RawHttps.Answer anonymous = http.post(pair.carpgate("/xmlrpc.php"), null, call());
            assertThat(anonymous.status()).isEqualTo(403);
            assertThat(pair.xmlrpcCalls()).hasSize(1);
        }
    }
}
