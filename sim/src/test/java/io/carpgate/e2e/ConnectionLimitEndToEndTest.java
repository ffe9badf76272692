package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carpgate.tls.NoVerification;
import java.net.InetAddress;
import java.nio.file.Path;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** limits.max-connections: past it carpgate accepts no more until one closes. */
@EndToEnd
class ConnectionLimitEndToEndTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("try") // the resource is held open on purpose (a listener, a connection) while the body runs
    void aConnectionPastTheLimitWaitsUntilAnotherCloses() throws Exception {
        try (Pair pair = Pair.start(dir, "limits: {max-connections: 2}\n", null)) {
            int port = pair.carpgate.port();
            RawTls first = new RawTls(port, 5_000);
            try (RawTls second = new RawTls(port, 5_000)) {
                // A third TCP connection sits in the kernel's queue: no TLS handshake within a second.
                try (SSLSocket third = (SSLSocket) NoVerification.sslContext().getSocketFactory()
                        .createSocket(InetAddress.getLoopbackAddress(), port)) {
                    third.setSoTimeout(1_000);
                    assertThatThrownBy(third::startHandshake).isInstanceOf(java.net.SocketTimeoutException.class);
                }
                first.close();
                // One slot is free again (the abandoned third is accepted, fails and goes): a new one gets in.
                try (RawTls fourth = new RawTls(port, 10_000)) {
                    assertThat(fourth.socket.getSession().getProtocol()).startsWith("TLSv1.");
                }
            }
        }
    }
}
