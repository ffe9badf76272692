package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients outside allow-from are closed at the accept (403 as a second line), users outside allowed-users get 403. */
@EndToEnd
class AccessEndToEndTest {
    @TempDir
    Path dir;

    final RawHttps http = new RawHttps();

    private static byte[] call() throws Exception {
        return Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
    }

    @Test
    void aClientOutsideAllowFromIsClosedAtTheAcceptBeforeAnyTls() throws Exception {
        try (Pair pair = Pair.start(dir, "allow-from: [192.0.2.1/32]\n", null)) {
            assertThat(pair.console.toString()).contains("clients: allow-from [192.0.2.1/32]");
            assertThatThrownBy(() -> http.post(pair.carpgate("/xmlrpc.php"),
                    RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), call()))
                    .as("no TLS handshake for a stranger").isInstanceOf(java.io.IOException.class);
            assertThatThrownBy(() -> new RawTls(pair.carpgate.port(), 10_000)).isInstanceOf(java.io.IOException.class);
            assertThat(pair.xmlrpcCalls()).isEmpty();
        }
    }

    /**
     * The second line: a connection accepted while its address was allowed, whose address a reload then removed,
     * gets 403 on its next request, without its body being read, and the connection is closed.
     */
    @Test
    void aConnectionWhoseAddressAReloadRemovedIsRejectedAtItsNextRequest() throws Exception {
        try (Pair pair = Pair.start(dir, "allow-from: [127.0.0.1/32]\n", null)) {
            try (RawTls raw = new RawTls(pair.carpgate.port(), 10_000)) {
                Path file = dir.resolve("carpgate.yml");
                Files.writeString(file, Files.readString(file).replace("allow-from: [127.0.0.1/32]",
                        "allow-from: [192.0.2.1/32]"));
                assertThat(pair.carpgate.reload(java.util.Map.of()))
                        .isInstanceOf(io.carpgate.runtime.Carpgate.ReloadResult.Applied.class);
                String refused = raw.send("POST /xmlrpc.php HTTP/1.1\r\nHost: c\r\nContent-Type: text/xml\r\n"
                        + "Content-Length: " + call().length + "\r\n\r\n").send(call()).readAll();
                assertThat(refused).startsWith("HTTP/1.1 403").containsIgnoringCase("Connection: close")
                        .contains("<fault>", "client address not in allow-from");
            }
            assertThat(pair.xmlrpcCalls()).isEmpty();
            assertThat(pair.exchanges.awaitCall("the refusal", c -> c.reason().contains("not in allow-from"))
                    .action()).isEqualTo(io.carpgate.policy.Action.REJECTED);
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
