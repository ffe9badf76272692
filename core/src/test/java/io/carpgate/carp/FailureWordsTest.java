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
    void aHandshakeTheBackupResetOrClosedIsSaidAsAResetOrACloseNotAsTls() {
        // As the JDK reports them: the reset as the handshake exception's cause, or only in its message.
        SSLHandshakeException resetWithCause = new SSLHandshakeException("Connection reset by peer");
        resetWithCause.initCause(new SocketException("Connection reset by peer"));
        assertThat(words(resetWithCause)).isEqualTo("connection reset by the backup");
        assertThat(words(new SSLHandshakeException("Connection reset by peer"))).isEqualTo("connection reset by the backup");

        assertThat(words(new SSLHandshakeException("Abruptly closed by peer"))).isEqualTo("connection closed by the backup");
        SSLHandshakeException closedWithCause = new SSLHandshakeException("Abruptly closed by peer");
        closedWithCause.initCause(new EOFException());
        assertThat(words(closedWithCause)).isEqualTo("connection closed by the backup");
        // The JDK's SSLSocket says an end of stream in the handshake so, the end of stream its cause.
        SSLHandshakeException terminated = new SSLHandshakeException("Remote host terminated the handshake");
        terminated.initCause(new EOFException("SSL peer shut down incorrectly"));
        assertThat(words(terminated)).isEqualTo("connection closed by the backup");

        // A handshake that failed on TLS itself stays a TLS failure, with its detail.
        SSLHandshakeException alert = new SSLHandshakeException("Received fatal alert: protocol_version");
        alert.initCause(new javax.net.ssl.SSLException("Received fatal alert: protocol_version"));
        assertThat(words(alert)).isEqualTo("TLS handshake failed: Received fatal alert: protocol_version");
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
