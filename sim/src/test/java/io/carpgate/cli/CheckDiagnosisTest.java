package io.carpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.sim.SimulatedBackup;
import io.carpgate.tls.Fingerprint;
import io.carpgate.e2e.EndToEnd;
import io.carpgate.tls.PemFiles;
import io.carpgate.tls.TlsContexts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} against backups that go wrong: each failure is named by its cause, never as plain "unreachable".
 * The servers are real HTTPS listeners on loopback.
 */
@EndToEnd
class CheckDiagnosisTest {
    static final String OTHER_PIN = CheckCommandTest.OTHER_PIN;

    @TempDir
    Path dir;

    private Path config(String url, String pin) throws Exception {
        Files.writeString(dir.resolve("api.txt"), "k:the-secret\n");
        return Files.writeString(dir.resolve("carpgate.yml"), "listen: {host: 127.0.0.1, port: 0}\n"
                + "tls: {cert: c.crt, key: c.key}\nlogs: {dir: logs}\nlimits: {api-timeout: 3s}\n"
                + "backup: {url: '" + url + "', pin-sha256: '" + pin + "', api-credentials: api.txt}\n");
    }

    @Test
    void aPinMismatchNamesTheExpectedAndThePresentedFingerprint() throws Exception {
        try (SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withApiCredentials("k", "the-secret"))) {
            CliRun result = CliRun.of("check", "--config", config(backup.baseUrl().toString(), OTHER_PIN).toString());
            assertThat(result.status()).isEqualTo(1);
            assertThat(result.err()).contains("does not match the configured pin",
                    "backup.pin-sha256 is " + OTHER_PIN, "presents " + backup.fingerprint(), "CN=backup.sim", "valid until")
                    .doesNotContain("unreachable", "Exception", "the-secret");
            assertThat(result.err().lines().count()).as("one line").isEqualTo(1);
        }
    }

    /** A page that is not the API: a login page, a proxy's error page, a redirect to a login form. */
    @Test
    void anHtmlAnswerNamesItsStatusAndContentType() throws Exception {
        assertThat(answeredBy(200, "text/html; charset=UTF-8", "<html><title>Login</title></html>"))
                .contains("HTTP 200 (text/html)", "instead of the API's JSON", "a login page");
        assertThat(answeredBy(403, "text/html", "<html>Forbidden</html>"))
                .contains("HTTP 403 (text/html)", "Interfaces: Virtual IPs: Status");
        assertThat(answeredBy(502, "text/html", "<html>Bad Gateway</html>")).contains("HTTP 502 (text/html)");
        assertThat(answeredBy(404, "text/plain", "not found")).contains("HTTP 404 (text/plain)", "base address");
        assertThat(answeredBy(302, null, "")).contains("HTTP 302", "a redirect to", "/login");
        assertThat(answeredBy(401, "application/json", "{\"status\":401}")).contains("HTTP 401", "api-credentials");
    }

    @Test
    void aClosedPortIsNamedAsARefusedConnection() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        CliRun result = CliRun.of("check", "--config", config("https://127.0.0.1:" + closed, OTHER_PIN).toString());
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).contains("cannot connect to 127.0.0.1:" + closed + ": connection refused")
                .doesNotContain("Exception");
    }

    /** What {@code check} says about a backup whose API path answers with this status, content type and body. */
    private String answeredBy(int status, String contentType, String body) throws Exception {
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        Fingerprint pin = Files.exists(cert) ? Fingerprint.of(PemFiles.readCertificates(cert).get(0))
                : PemFiles.writeSelfSigned(cert, key, "proxy", List.of("127.0.0.1"));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server,
                TlsContexts.server(PemFiles.loadKeyStore(cert, key), PemFiles.keyStorePassword()));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                                  Callback callback) {
                response.setStatus(status);
                if (contentType != null) {
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
                }
                if (status == 302) {
                    response.getHeaders().put(HttpHeader.LOCATION, "/login");
                }
                response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.start();
        try {
            CliRun result = CliRun.of("check", "--config", config("https://127.0.0.1:" + connector.getLocalPort(),
                    pin.toString()).toString());
            assertThat(result.status()).as(result.err()).isEqualTo(1);
            assertThat(result.err()).contains(BackupProbe.PATH).doesNotContain("unreachable", "the-secret", body.isEmpty()
                    ? "\u0000" : body);
            return result.err();
        } finally {
            server.stop();
        }
    }
}
