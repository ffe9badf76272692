package io.carpgate.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carpgate.config.UpstreamTrust;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {
    @TempDir
    Path dir;
    Server server;
    Fingerprint serverFingerprint;

    @BeforeEach
    void startServer() throws Exception {
        Path cert = dir.resolve("certs/s.crt");
        Path key = dir.resolve("certs/s.key");
        serverFingerprint = PemFiles.writeSelfSigned(cert, key, "test", List.of("127.0.0.1"));
        KeyStore store = PemFiles.loadKeyStore(cert, key);
        server = new Server();
        ServerConnector connector = new ServerConnector(server, TlsContexts.server(store, PemFiles.keyStorePassword()));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                                  Callback callback) {
                response.write(true, java.nio.ByteBuffer.wrap("ok".getBytes()), callback);
                return true;
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.stop();
    }

    private int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    private ContentResponse get(UpstreamTrust trust) throws Exception {
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(TlsContexts.client(trust));
        HttpClient client = new HttpClient(new HttpClientTransportDynamic(connector));
        client.start();
        try {
            return client.newRequest("https://127.0.0.1:" + port() + "/").timeout(10, TimeUnit.SECONDS).send();
        } finally {
            client.stop();
        }
    }

    @Test
    void theWrittenPairLoadsBackWithItsFingerprintAndAPrivateKeyFile() throws Exception {
        X509Certificate certificate = PemFiles.readCertificates(dir.resolve("certs/s.crt")).get(0);
        assertThat(Fingerprint.of(certificate)).isEqualTo(serverFingerprint);
        assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(Files.getPosixFilePermissions(dir.resolve("certs/s.key")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefused() throws Exception {
        PemFiles.writeSelfSigned(dir.resolve("o.crt"), dir.resolve("o.key"), "other", List.of());
        assertThatThrownBy(() -> PemFiles.loadKeyStore(dir.resolve("certs/s.crt"), dir.resolve("o.key")))
                .hasMessageContaining("is not the key of the certificate");
    }

    @Test
    void theRightPinConnectsAndAWrongOneFailsNamingBothFingerprints() throws Exception {
        assertThat(get(new UpstreamTrust.Pin(serverFingerprint)).getContentAsString()).isEqualTo("ok");

        Fingerprint other = SelfSigned.generate("x", List.of()).fingerprint();
        assertThatThrownBy(() -> get(new UpstreamTrust.Pin(other)))
                .hasRootCauseInstanceOf(CertificateException.class)
                .rootCause().hasMessageContaining(serverFingerprint.toString()).hasMessageContaining(other.toString());
    }

    @Test
    void caModeChecksTheChainAndTheHostName() throws Exception {
        Path ca = dir.resolve("ca.pem");
        Files.copy(dir.resolve("certs/s.crt"), ca); // self-signed: its own CA, issued for 127.0.0.1
        assertThat(get(new UpstreamTrust.Ca(ca)).getStatus()).isEqualTo(200);
        PemFiles.writeSelfSigned(dir.resolve("other.crt"), dir.resolve("other.key"), "other", List.of("127.0.0.1"));
        assertThatThrownBy(() -> get(new UpstreamTrust.Ca(dir.resolve("other.crt"))))
                .hasStackTraceContaining("PKIX path building failed");
    }

    @Test
    void theListenerSpeaksOnlyTls13AndTls12() throws Exception {
        // What the running listener will negotiate: Jetty resolves includes/excludes against the JDK at start.
        // (A client-side TLS 1.1 attempt proves nothing here: JDK 17 clients refuse TLS 1.0/1.1 themselves;
        // OldTlsEndToEndTest sends hand-built TLS 1.0/1.1 hellos to a running carpgate instead.)
        ServerConnector connector = (ServerConnector) server.getConnectors()[0];
        org.eclipse.jetty.util.ssl.SslContextFactory.Server factory =
                connector.getConnectionFactory(org.eclipse.jetty.server.SslConnectionFactory.class).getSslContextFactory();
        assertThat(factory.getSelectedProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        // Forward-secret AEAD only: TLS 1.3's suites, and ECDHE with GCM or ChaCha20-Poly1305 for TLS 1.2.
        assertThat(factory.getSelectedCipherSuites()).isNotEmpty()
                .allMatch(suite -> suite.matches("TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)")
                        || suite.matches("TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)"))
                .contains("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");


        try (SSLSocket socket = (SSLSocket) NoVerification.sslContext().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
        }
        try (SSLSocket socket = (SSLSocket) NoVerification.sslContext().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"});
            assertThatThrownBy(socket::startHandshake).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        }
    }
}
