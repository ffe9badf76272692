package io.carpgate.cli;

import io.carpgate.tls.Fingerprint;
import io.carpgate.tls.NoVerification;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLSocket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "fingerprint", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Print the SHA-256 fingerprint of a server's TLS certificate, ready to paste as backup.pin-sha256. "
                + "It trusts whatever the server presents: compare it with the backup's own view "
                + "(System > Trust > Certificates) before you rely on it. Exit status 1 when the server cannot be reached, "
                + "2 when the address is not https://HOST[:PORT].")
final class FingerprintCommand implements Callable<Integer> {
    private static final int TIMEOUT_MILLIS = 10_000;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "https://HOST[:PORT]", description = "the backup's web GUI address")
    String address;

    @Override
    public Integer call() throws Exception {
        Optional<String> hint = hint(address);
        if (hint.isPresent()) {
            spec.commandLine().getErr().println("carpgate: " + hint.get());
            return 2;
        }
        URI target = URI.create(address.trim());
        int port = target.getPort() < 0 ? 443 : target.getPort();
        // Trusts whatever is presented: the point is to show it; the admin decides whether to pin it.
        try (SSLSocket socket = (SSLSocket) NoVerification.sslContext().getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(target.getHost(), port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.startHandshake();
            Certificate[] chain = socket.getSession().getPeerCertificates();
            X509Certificate leaf = (X509Certificate) chain[0];
            spec.commandLine().getOut().println("pin-sha256: \"" + Fingerprint.of(leaf) + "\"");
            spec.commandLine().getOut().println("subject:    " + leaf.getSubjectX500Principal().getName());
            spec.commandLine().getOut().println("valid:      " + leaf.getNotBefore().toInstant() + " .. " + leaf.getNotAfter().toInstant());
            return 0;
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("carpgate: cannot get a certificate from " + target.getHost() + ":" + port
                    + ": " + ProbeWords.words(e, "no answer"));
            return 1;
        }
    }

    /**
     * Why {@code address} is not an https://HOST[:PORT] URL, in one line that shows the URL to type instead; empty
     * when it is one. A bare HOST:PORT (what openssl s_client takes) is the usual slip.
     */
    static Optional<String> hint(String address) {
        String trimmed = address.trim();
        int scheme = trimmed.indexOf("://");
        String rest = scheme < 0 ? trimmed : trimmed.substring(scheme + 3);
        String suggestion = "use https://" + (rest.isEmpty() ? "HOST[:PORT]" : rest);
        if (scheme < 0) {
            return Optional.of("fingerprint needs a URL: " + suggestion);
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            return Optional.of("'" + address + "' is not a URL: " + e.getReason() + "; use https://HOST[:PORT]");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            return Optional.of("fingerprint reads the certificate a TLS server presents: " + suggestion);
        }
        if (uri.getHost() == null) {
            return Optional.of("'" + address + "' names no host: use https://HOST[:PORT]");
        }
        return Optional.empty();
    }
}
