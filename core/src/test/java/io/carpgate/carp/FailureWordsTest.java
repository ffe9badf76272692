package io.carpgate.carp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Each failure kind in an admin's words; Jetty's object dumps never pass. */
class FailureWordsTest {
    private static final String DUMP = "HttpConnectionOverHTTP@2c9d28bd::SslConnection$SslEndPoint@1a2b3c4d{l=/127.0.0.1:4}";

    private static String words(Throwable t) {
        return FailureWords.of(new ExecutionException(t), Duration.ofSeconds(30));
    }

    @Test
    void eachKindHasItsWords() {
        assertThat(words(new EOFException(DUMP))).isEqualTo("connection closed by the backup");
        assertThat(words(new SocketException("Connection reset"))).isEqualTo("connection reset by the backup");
        assertThat(words(new ConnectException("Connection refused"))).isEqualTo("connection refused");
        assertThat(words(new TimeoutException("Total timeout 30000 ms elapsed"))).isEqualTo("timed out after 30 s");
        assertThat(FailureWords.of(new TimeoutException(), Duration.ofMillis(1500))).isEqualTo("timed out after 1.5 s");
        assertThat(words(new SSLHandshakeException("Received fatal alert: handshake_failure")))
                .isEqualTo("TLS handshake failed: Received fatal alert: handshake_failure");
        assertThat(words(new java.security.cert.CertificateException("no certificate")))
                .isEqualTo("backup TLS certificate rejected: no certificate");
        assertThat(words(new IOException("Broken pipe"))).isEqualTo("connection closed by the backup");
    }

    @Test
    void aMessageWithJettyInternalsIsLeftOut() {
        assertThat(words(new IOException(DUMP))).isEqualTo("the connection to the backup failed");
        assertThat(words(new IOException("oejcti.HttpConnectionOverHTTP closed"))).isEqualTo("the connection to the backup failed");
        assertThat(words(new IOException("backup went away"))).isEqualTo("the connection to the backup failed: backup went away");
        assertThat(FailureWords.plain(DUMP)).isFalse();
        assertThat(FailureWords.plain("connection closed by the backup after the request was sent")).isTrue();
    }
}
