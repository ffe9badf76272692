package io.carpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.sim.SimulatedBackup;
import io.carpgate.tls.Fingerprint;
import io.carpgate.tls.PemFiles;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertCommandsTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void genCertWritesALoadablePairPrintsItsFingerprintAndRefusesToOverwrite() throws Exception {
        Path cert = dir.resolve("certs/c.crt");
        Path key = dir.resolve("certs/c.key");
        CliRun first = run("gen-cert", "--cert", cert.toString(), "--key", key.toString(), "--san", "carpgate.example");
        assertThat(first.status()).isZero();
        Fingerprint written = Fingerprint.of(PemFiles.readCertificates(cert).get(0));
        assertThat(first.out()).contains("SHA-256 " + written);
        assertThat(PemFiles.loadKeyStore(cert, key).size()).isEqualTo(1);

        byte[] before = Files.readAllBytes(cert);
        CliRun again = run("gen-cert", "--cert", cert.toString(), "--key", key.toString());
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).contains("exists", "--force");
        assertThat(Files.readAllBytes(cert)).isEqualTo(before);

        assertThat(run("gen-cert", "--cert", cert.toString(), "--key", key.toString(), "--force").status()).isZero();
        assertThat(Fingerprint.of(PemFiles.readCertificates(cert).get(0))).isNotEqualTo(written);
    }

    @Test
    void fingerprintPrintsThePinOfTheServersCertificate() throws Exception {
        try (SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults())) {
            CliRun result = run("fingerprint", backup.baseUrl().toString());
            assertThat(result.status()).isZero();
            assertThat(result.out()).contains("pin-sha256: \"" + backup.fingerprint() + "\"");
        }
    }

    @Test
    void fingerprintOfAnUnreachableServerFailsClearly() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        CliRun result = run("fingerprint", "https://127.0.0.1:" + closed);
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).contains("cannot get a certificate from 127.0.0.1:" + closed);
        assertThat(run("fingerprint", "http://127.0.0.1").status()).isEqualTo(2);
    }

    /** A bare HOST:PORT (what openssl s_client takes) gets one line showing what to type, not the usage text. */
    @Test
    void fingerprintWithoutASchemeGetsAOneLineHint() {
        for (String[] typed : new String[][] {
                {"192.0.2.2:443", "fingerprint needs a URL: use https://192.0.2.2:443"},
                {"fw.example.net:4443", "fingerprint needs a URL: use https://fw.example.net:4443"},
                {"backup", "fingerprint needs a URL: use https://backup"},
                {"http://192.0.2.2", "fingerprint reads the certificate a TLS server presents: use https://192.0.2.2"},
                {"https:///xmlrpc.php", "names no host: use https://HOST[:PORT]"},
                {"https://a b", "is not a URL"}}) {
            CliRun result = run("fingerprint", typed[0]);
            assertThat(result.status()).as(typed[0]).isEqualTo(2);
            assertThat(result.out()).as(typed[0]).isEmpty();
            assertThat(result.err()).as(typed[0]).startsWith("carpgate: ").contains(typed[1])
                    .doesNotContain("Usage", "Exception", "java.");
            assertThat(result.err().lines().count()).as(typed[0] + ": one line").isEqualTo(1);
        }
        assertThat(FingerprintCommand.hint("https://192.0.2.2:4443")).isEmpty();
    }
}
