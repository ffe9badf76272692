package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.CarpStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Secrets pass through carpgate; none of them may land in a file it writes, in what it prints or in what
 * its admin listener shows, at any log level an admin can set.
 */
@EndToEnd
class SecretsEndToEndTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "logs.level: {0}")
    @EnumSource(io.carpgate.config.LogSettings.Level.class)
    void noSecretReachesALogFileTheConsoleOrTheAdminListener(io.carpgate.config.LogSettings.Level level) throws Exception {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        String console;
        String admin;
        try (Pair pair = Pair.start(dir, "logs: {dir: logs, level: " + level.name().toLowerCase(java.util.Locale.ROOT)
                + "}\n", SyncEndToEndTest.MAP)) {
            PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all-no-vip-sync");
            pair.backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
            PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all-two-instances");
            PythonMaster.run(pair.base(), Pair.SYNC_USER, "wrong-" + Pair.SYNC_PASSWORD, "firmware");
            // An OpenVPN client with its password and a DHCP relay, as a master sends them.
            byte[] openvpn = Files.readAllBytes(Path.of(
                    "core/src/test/resources/opnsense-items/restore.single-client-two-relays.request.xml"));
            new RawHttps().post(pair.carpgate("/xmlrpc.php"), RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), openvpn);
            // The recorder is the last listener: once it has the record, the log lines are written.
            pair.exchanges.await("the OpenVPN restore", r -> r.bytesIn() == openvpn.length);
            pair.awaitLog("access.log", "method=opnsense.firmware_version decision=forwarded ms");
            // carpgate read the backup's search_item, whose rows carry every VIP's CARP password in clear.
            assertThat(pair.backup.received()).anyMatch(c -> c.path().equals("/api/interfaces/vip_settings/search_item"));
            console = pair.console.toString(StandardCharsets.UTF_8);
            RawHttps http = new RawHttps();
            admin = http.get(ReloadEndToEndTest.admin(pair, "/")).text() + http.get(ReloadEndToEndTest.admin(pair, "/metrics")).text()
                    + http.get(ReloadEndToEndTest.admin(pair, "/readyz")).text();
        } finally {
            io.carpgate.observe.LogSetup.level(io.carpgate.config.LogSettings.Level.INFO);
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        console += printed.toString(StandardCharsets.UTF_8);

        List<String> secrets = List.of(
                Pair.SYNC_PASSWORD,
                Pair.API_SECRET,
                "EXAMPLE-PRIVATE-KEY-never-log-this-value-00=",   // WireGuard private key in the fixture
                "example-carp-secret",                             // CARP password in the fixture
                // The backup's own VIPs' CARP password: search_item returns it in clear to every read of carpgate's.
                io.carpgate.sim.SimVip.DEFAULT_PASSWORD,
                "EXAMPLE-OPENVPN-PASSWORD-never-log",              // an OpenVPN client's password
                Base64.getEncoder().encodeToString((Pair.SYNC_USER + ":" + Pair.SYNC_PASSWORD).getBytes(StandardCharsets.UTF_8)),
                Base64.getEncoder().encodeToString((Pair.API_KEY + ":" + Pair.API_SECRET).getBytes(StandardCharsets.UTF_8)));

        List<Path> written;
        try (Stream<Path> files = Files.walk(dir.resolve("logs"))) {
            written = files.filter(Files::isRegularFile).toList();
        }
        assertThat(written).extracting(p -> p.getFileName().toString()).contains("access.log", "decisions.jsonl");
        assertThat(Files.readString(dir.resolve("logs/decisions.jsonl"))).contains("rewritten", "suppressed", "forwarded");
        for (Path file : written) {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            for (String secret : secrets) {
                assertThat(content).as(file + " must not hold a secret").doesNotContain(secret);
            }
        }
        assertThat(console).contains("carpgate certificate SHA-256");
        if (level.compareTo(io.carpgate.config.LogSettings.Level.DEBUG) >= 0) {
            assertThat(console).as("debug lines were written, and checked").contains("opnsense.restart_service wireguard: suppressed");
        }
        assertThat(admin).contains("wg0-branches", "carpgate_calls_total");
        for (String secret : secrets) {
            assertThat(console).as("console must not hold a secret").doesNotContain(secret);
            assertThat(admin).as("the admin listener must not show a secret").doesNotContain(secret);
        }
    }
}
