package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.reference.ReferenceBackup;
import io.carpgate.reference.ReferenceBackup.Service;
import io.carpgate.reference.Spellings;
import io.carpgate.reference.Spellings.Spelling;
import io.carpgate.sim.ServiceEvent;
import io.carpgate.sim.SimulatedBackup;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #3, parity proven on a generated corpus: spellings combined from every transformation that changes
 * what the backup's parser sees ({@link Spellings}), kept when the reference backup (test tree, independent
 * of carpgate and of the simulator) runs them as a WireGuard start or restart. Each is checked three ways:
 * the simulated backup agrees with the reference, and through a running carpgate (backup is BACKUP for the
 * instance's VHID) none reaches the recording backup. Their harmless twins still pass, byte for byte.
 */
@EndToEnd
class GeneratedParityCorpusTest {
    static final String WG0 = ParityCorpusTest.WG0;
    static final int CANDIDATES = 360;
    static final long SEED = 20240603L;
    /**
     * The part of the simulated backup's service list that decides whether WireGuard starts once the restore
     * has stored WG0: a service without id before WG0 (the simulator lists a small install's, configd first).
     */
    static final ReferenceBackup REFERENCE = new ReferenceBackup(List.of(Service.of("unbound"), Service.of("wireguard", WG0)));

    @TempDir
    static Path dir;
    static SimulatedBackup oracle;
    static Pair pair;
    static final RawHttps HTTP = new RawHttps();
    static List<Spelling> candidates;

    @BeforeAll
    static void start() throws Exception {
        byte[] restore = SyncEndToEndTestSupport.restoreWithoutVips();
        oracle = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD));
        pair = Pair.start(Files.createDirectories(dir.resolve("carpgate")), "", ParityCorpusTest.MAP);
        assertThat(post(URI.create(oracle.baseUrl() + "/xmlrpc.php"), restore).status()).isEqualTo(200);
        assertThat(post(pair.carpgate("/xmlrpc.php"), restore).status()).isEqualTo(200);
        assertThat(oracle.wireguardInstances()).containsKey(WG0);
        candidates = Spellings.generate(CANDIDATES, SEED);
    }

    @AfterAll
    static void stop() throws Exception {
        pair.close();
        oracle.close();
    }

    private static RawHttps.Answer post(URI uri, byte[] body) throws Exception {
        return HTTP.post(uri, RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), body);
    }

    private static boolean startsWireGuard(List<ServiceEvent> events) {
        return events.stream().anyMatch(e -> e.service().equals("wireguard") && !e.action().equals("stop")
                && !e.outcome().equals("not found"));
    }

    private static boolean oracleStartsWireGuard(byte[] body) throws Exception {
        oracle.reset();
        post(URI.create(oracle.baseUrl() + "/xmlrpc.php"), body);
        return startsWireGuard(oracle.serviceEvents());
    }

    @Test
    void everyGeneratedWireGuardStartIsStoppedAndTheSimulatorAgreesWithTheReference() throws Exception {
        assertThat(candidates).hasSize(CANDIDATES);
        List<String> kept = new ArrayList<>();
        List<String> disagreements = new ArrayList<>();
        for (Spelling spelling : candidates) {
            byte[] body = spelling.render("wireguard", WG0);
            boolean reference = REFERENCE.run(body).startsWireGuard();
            if (oracleStartsWireGuard(body) != reference) {
                disagreements.add(spelling.label() + " (reference: " + reference + ")");
            }
            if (!reference) {
                continue;
            }
            kept.add(spelling.label());
            pair.backup.reset();
            RawHttps.Answer answer = post(pair.carpgate("/xmlrpc.php"), body);
            assertThat(pair.xmlrpcCalls()).as("'%s' must not reach the backup", spelling.label()).isEmpty();
            assertThat(startsWireGuard(pair.backup.serviceEvents())).as(spelling.label()).isFalse();
            assertThat(answer.text()).as(spelling.label()).containsAnyOf("carpgate suppressed", "carpgate rejected");
        }
        assertThat(disagreements).as("simulated backup vs reference backup").isEmpty();
        // Many combinations still start WireGuard on the backup; the rest (padded values, "*" without an id,
        // which matches no service, a wrong duplicate last...) do not, and only the reference says which.
        assertThat(kept).hasSizeGreaterThan(CANDIDATES / 3);
        assertThat(kept).contains("plain");
        System.out.println("generated parity corpus: " + candidates.size() + " candidates, " + kept.size() + " start WireGuard on the reference backup");
    }

    @Test
    void harmlessTwinsInTheSameSpellingsPassUnchanged() throws Exception {
        int forwarded = 0;
        Set<String> firmwareBodies = new LinkedHashSet<>();
        for (Spelling spelling : candidates) {
            if (!REFERENCE.run(spelling.render("wireguard", WG0)).startsWireGuard()) {
                continue;
            }
            byte[] twin = spelling.twin().render("unbound", WG0);
            assertThat(REFERENCE.run(twin).startsWireGuard()).as(spelling.label()).isFalse();
            forwarded += expectPassUnlessRefusedByDesign(spelling.label() + " for unbound", twin);
            firmwareBodies.add(new String(spelling.firmwareVersion(), StandardCharsets.UTF_8));
        }
        for (String body : firmwareBodies) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            assertThat(REFERENCE.run(bytes).calls()).containsExactly("opnsense.firmware_version");
            forwarded += expectPassUnlessRefusedByDesign("firmware_version", bytes);
        }
        assertThat(forwarded).isGreaterThan(CANDIDATES / 4);
    }

    private static int expectPassUnlessRefusedByDesign(String label, byte[] body) throws Exception {
        pair.backup.reset();
        RawHttps.Answer answer = post(pair.carpgate("/xmlrpc.php"), body);
        if (Spelling.refusedByDesign(body)) {
            assertThat(answer.text()).as(label).containsAnyOf("carpgate rejected");
            assertThat(pair.xmlrpcCalls()).as(label).isEmpty();
            return 0;
        }
        assertThat(answer.status()).as(label).isEqualTo(200);
        assertThat(answer.text()).as(label).doesNotContain("carpgate");
        assertThat(pair.xmlrpcCalls()).as(label).hasSize(1);
        assertThat(pair.xmlrpcCalls().get(0).body()).as(label + " arrives byte for byte").isEqualTo(body);
        return 1;
    }
}
