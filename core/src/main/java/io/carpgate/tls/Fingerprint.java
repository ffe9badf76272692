package io.carpgate.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** A certificate's SHA-256 fingerprint, written as OPNsense and openssl show it: {@code AB:CD:...}. */
public record Fingerprint(String colonHex) {
    private static final Pattern COLON_HEX = Pattern.compile("([0-9A-F]{2}:){31}[0-9A-F]{2}");

    public Fingerprint {
        if (!COLON_HEX.matcher(colonHex).matches()) {
            throw new IllegalArgumentException("not a SHA-256 fingerprint: expected 32 hex bytes");
        }
    }

    public static Fingerprint of(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return new Fingerprint(HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }

    /** Accepts {@code AB:CD:..}, {@code ab cd ..}, or 64 bare hex digits (as openssl and browsers print them). */
    public static Optional<Fingerprint> parse(String text) {
        String hex = text.replaceAll("[\\s:]", "").toUpperCase(Locale.ROOT);
        if (!hex.matches("[0-9A-F]{64}")) {
            return Optional.empty();
        }
        return Optional.of(new Fingerprint(hex.replaceAll("(..)(?!$)", "$1:")));
    }

    @Override
    public String toString() {
        return colonHex;
    }
}
