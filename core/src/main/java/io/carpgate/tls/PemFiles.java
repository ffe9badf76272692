package io.carpgate.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.spec.PBEParameterSpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** PEM certificates and keys on disk (Bouncy Castle reads and writes them). */
public final class PemFiles {
    /**
     * The in-memory key store only lives inside this process and is never written out; the password
     * protects nothing, it exists because the KeyStore API requires one.
     */
    private static final char[] IN_MEMORY_PASSWORD = "carpgate-in-memory".toCharArray();

    private PemFiles() {}

    public static char[] keyStorePassword() {
        return IN_MEMORY_PASSWORD.clone();
    }

    /** Writes a new self-signed pair; the key file is readable by its owner only. */
    public static Fingerprint writeSelfSigned(Path certFile, Path keyFile, String commonName, List<String> altNames)
            throws IOException {
        SelfSigned.Pair pair = SelfSigned.generate(commonName, altNames);
        for (Path file : List.of(certFile, keyFile)) {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        }
        writePem(keyFile, pair.keyPair().getPrivate(), true);
        writePem(certFile, pair.certificate(), false);
        return pair.fingerprint();
    }

    private static void writePem(Path file, Object object, boolean secret) throws IOException {
        Files.deleteIfExists(file);
        if (secret && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(file, StandardCharsets.US_ASCII))) {
            // PKCS#8 for keys: what openssl, Jetty and OPNsense all read.
            writer.writeObject(object instanceof PrivateKey key
                    ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null) : object);
        }
    }

    public static List<X509Certificate> readCertificates(Path pemFile) throws IOException, GeneralSecurityException {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader reader = Files.newBufferedReader(pemFile, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException(pemFile + ": no PEM certificate found");
        }
        return certificates;
    }

    public static PrivateKey readPrivateKey(Path pemFile) throws IOException, GeneralSecurityException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader reader = Files.newBufferedReader(pemFile, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            }
        }
        throw new GeneralSecurityException(pemFile + ": no unencrypted PEM private key found (PKCS#8, EC or RSA)");
    }

    /** Certificate chain and key as an in-memory key store for Jetty; refuses a key that does not match. */
    public static KeyStore loadKeyStore(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = readCertificates(certFile);
        PrivateKey key = readPrivateKey(keyFile);
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new GeneralSecurityException(keyFile + " is not the key of the certificate in " + certFile);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        // PKCS12's default key protection is 10,000 rounds of PBKDF2, paid again when Jetty takes the key
        // out: 60-90 ms of a cold start, protecting nothing (see IN_MEMORY_PASSWORD). One round does.
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        store.setEntry("carpgate", new KeyStore.PrivateKeyEntry(key, chain.toArray(Certificate[]::new)),
                new KeyStore.PasswordProtection(IN_MEMORY_PASSWORD, "PBEWithHmacSHA256AndAES_256",
                        new PBEParameterSpec(salt, 1)));
        return store;
    }

    private static boolean matches(PrivateKey key, PublicKey publicKey) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new GeneralSecurityException("unsupported key type " + key.getAlgorithm());
        };
        byte[] probe = "carpgate key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(probe);
        try {
            return verifier.verify(signature);
        } catch (java.security.SignatureException e) {
            return false;
        }
    }
}
