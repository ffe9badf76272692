package io.carpgate.carp;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Why an HTTPS exchange with the backup failed, in an admin's words: for the master's fault, the decision log,
 * {@code /readyz} and the console. Never an object dump: Jetty's exceptions carry its connections' toString
 * ({@code HttpConnectionOverHTTP@2c9d28bd::SslEndPoint@…}), which says nothing to an admin, so a message is
 * only passed on when it is plain text.
 */
public final class FailureWords {
    /** An identity hash ({@code Foo@1a2b3c}), a Jetty class ({@code oejcti.…}, {@code org.eclipse.jetty…}). */
    private static final Pattern INTERNALS = Pattern.compile("@\\p{XDigit}{4,}|\\boej\\w*\\.|org\\.eclipse\\.|\\$");

    private FailureWords() {}

    /** @param timeout the exchange's own timeout, said when it ran out */
    public static String of(Throwable failure, Duration timeout) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // A pin mismatch (or a certificate the CA does not vouch for) is not "unreachable": say what it is.
            if (t instanceof CertificateException) {
                return "backup TLS certificate rejected" + detail(t);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return "timed out after " + seconds(timeout);
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to the backup";
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "cannot resolve the backup's address";
            }
            if (t instanceof SSLHandshakeException) {
                // A handshake the backup cut short by a reset or a close is a reset or a close, not a TLS problem.
                return peerEnded(t).orElse("TLS handshake failed" + detail(t));
            }
            if (t instanceof SSLException) {
                return "TLS with the backup failed" + detail(t);
            }
            if (t instanceof EOFException || t instanceof ClosedChannelException) {
                return "connection closed by the backup";
            }
            if (t instanceof SocketException && String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("reset")) {
                return "connection reset by the backup";
            }
            if (String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("broken pipe")) {
                return "connection closed by the backup";
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause(); // wrappers' messages are their cause's toString(): a class name
        }
        return "the connection to the backup failed" + detail(root);
    }

    /**
     * The plain words for a handshake that failed because the backup reset or closed the connection: the JDK says
     * so in the handshake exception's message ("Connection reset by peer", "Abruptly closed by peer"), in its
     * cause (a SocketException, an end of stream), or both.
     */
    private static Optional<String> peerEnded(Throwable handshake) {
        for (Throwable t = handshake; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("connection reset")) {
                return Optional.of("connection reset by the backup");
            }
            if (message.contains("closed by peer") || t instanceof EOFException || t instanceof ClosedChannelException) {
                return Optional.of("connection closed by the backup");
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }

    /** ": message" when the message is plain text an admin can read, else nothing. */
    static String detail(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank() || INTERNALS.matcher(message).find()) {
            return "";
        }
        return ": " + message.replaceAll("\\p{Cntrl}", "?");
    }

    /** Whether a text shows none of Jetty's internals (tests check every failure kind with this). */
    public static boolean plain(String text) {
        return !INTERNALS.matcher(text).find();
    }

    private static String seconds(Duration timeout) {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
