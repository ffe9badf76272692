package io.carpgate.cli;

import io.carpgate.config.UpstreamTrust;
import io.carpgate.tls.PinMismatchException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.CertPathValidatorException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * What a request to the backup's API found, in an admin's words: the decision is pure, the request is made by
 * {@link BackupProbe}. An answer is named by its HTTP status and content type (a login page or a proxy's error page
 * is not the API); a failure by its cause (a pin mismatch is a pin mismatch, not "unreachable").
 */
final class ProbeWords {
    private ProbeWords() {}

    /** Empty when the answer is the API's JSON; otherwise what it was and what to look at. */
    static Optional<String> answer(int status, Optional<String> contentType, boolean looksLikeJson, String path,
                                   Optional<String> location) {
        String type = contentType.map(t -> t.split(";")[0].trim()).filter(t -> !t.isEmpty()).orElse("no content type");
        boolean json = type.toLowerCase(Locale.ROOT).contains("json") || (type.equals("no content type") && looksLikeJson);
        String answered = "the backup answered HTTP " + status + " (" + type + ") for " + path;
        if (status == 200 && json) {
            return Optional.empty();
        }
        if (status == 200) {
            return Optional.of(answered + " instead of the API's JSON: something other than the OPNsense API answered "
                    + "(a login page, a proxy's page?); backup.url must be the backup's own web GUI address");
        }
        if (status == 401) {
            return Optional.of(answered + ": the backup refused the API key and secret; check backup.api-credentials "
                    + "(the apikey.txt of carpgate's API user on this backup)");
        }
        if (status == 403) {
            return Optional.of(answered + ": the API user lacks a privilege; it needs \"Interfaces: Virtual IPs: Status\" "
                    + "and \"Interfaces: Virtual IPs: Settings\" (README, OPNsense setup, step 1)");
        }
        if (status == 404) {
            return Optional.of(answered + ": no OPNsense API there; backup.url must be the web GUI's base address "
                    + "(scheme, port and path)");
        }
        if (status >= 300 && status < 400) {
            return Optional.of(answered + ", a redirect" + location.map(l -> " to " + l).orElse("")
                    + ": backup.url must be the address the web GUI answers at itself");
        }
        if (status >= 500) {
            return Optional.of(answered + ": the backup's web server, or a proxy in front of it, failed; its log says why");
        }
        return Optional.of(answered);
    }

    /** A request that got no HTTP answer at all. */
    static String failure(Throwable failure, URI url, UpstreamTrust trust, Duration timeout) {
        String hostPort = url.getHost() + ":" + (url.getPort() < 0 ? 443 : url.getPort());
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PinMismatchException pin) {
                return "the backup's certificate does not match the configured pin: backup.pin-sha256 is "
                        + pin.expected() + ", " + hostPort + " presents " + pin.presented() + " ("
                        + pin.certificate().getSubjectX500Principal().getName() + ", valid until "
                        + pin.certificate().getNotAfter().toInstant() + "). If the backup's web GUI certificate was "
                        + "replaced, compare the new fingerprint with System > Trust > Certificates on the backup, "
                        + "then pin it";
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CertPathValidatorException || String.valueOf(t.getMessage()).contains("PKIX path")) {
                return "the backup's certificate (" + hostPort + ") is not issued by a CA in backup.ca"
                        + (trust instanceof UpstreamTrust.Ca ca ? " (" + ca.file() + ")" : "");
            }
            if (String.valueOf(t.getMessage()).startsWith("No subject alternative") || String.valueOf(t.getMessage())
                    .startsWith("No name matching")) {
                return "the backup's certificate does not name " + url.getHost() + ", the host of backup.url: use the "
                        + "name or address the certificate is issued for, or pin it (backup.pin-sha256)";
            }
            if (t instanceof UnknownHostException) {
                return url.getHost() + ": no such host name (backup.url)";
            }
            if (t instanceof ConnectException) {
                return "cannot connect to " + hostPort + ": " + words(t, "connection refused")
                        + " (is the web GUI on that address and port, and does the backup's firewall let carpgate in?)";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to " + hostPort;
            }
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return "no answer from " + hostPort + " within " + timeout.toMillis() + " ms (firewall on the backup, "
                        + "wrong address?)";
            }
            if (t instanceof SSLException) {
                return "TLS with " + hostPort + " failed: " + words(t, "handshake failed");
            }
        }
        return "cannot reach " + hostPort + ": " + words(rootCause(failure), "no answer");
    }

    /** An exception's own sentence (never its type), or {@code otherwise} when it has none. */
    static String words(Throwable t, String otherwise) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? otherwise : message.toLowerCase(Locale.ROOT).startsWith("connection refused")
                ? "connection refused" : message;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
