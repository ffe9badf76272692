package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.carpgate.carp.CarpStatus;
import io.carpgate.runtime.Carpgate;
import io.carpgate.memory.PairMemories;
import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What carpgate knows of a pair's items, end to end, for each way it used to go wrong: a reload while a restore is
 * with the backup, a restart racing a restore, a restart of carpgate, a restore the backup refused, a restore
 * whose answer never came. The fixture's WireGuard instance wg0-branches follows VHID 7; each test first teaches
 * carpgate that, makes the backup MASTER for VHID 7, then moves the instance to a master VIP that is not synced
 * (so its VHID becomes unknown and its starts must be suppressed). Python's xmlrpc.client is the master; the
 * backup is the simulator, which holds a restore at will (a latch, not luck).
 */
@EndToEnd
class PairMemoryEndToEndTest {
    static final String WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    static final String RESTORE = "opnsense.restore_config_section";

    @TempDir
    Path dir;
    Pair pair;

    @AfterEach
    void stop() throws Exception {
        if (pair != null) {
            pair.backup.unhold();
            pair.close();
        }
    }

    private JsonNode master(String scenario) throws Exception {
        return PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, scenario);
    }

    private CompletableFuture<JsonNode> masterLater(String scenario) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return master(scenario);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private long atTheBackup(String method) {
        return pair.xmlrpcCalls().stream().filter(c -> c.methodName().equals(Optional.of(method))).count();
    }

    private void awaitAtTheBackup(String method, long count) {
        Awaitility.await(count + " " + method + " at the backup").atMost(ExchangeRecorder.DEADLINE)
                .pollInterval(Duration.ofMillis(10)).until(() -> atTheBackup(method) >= count);
    }

    /** carpgate knows wg0-branches on VHID 7 from a stored restore, and the backup is MASTER for VHID 7. */
    private void learnedOnVhid7() throws Exception {
        assertThat(master("restore").get("answer").asBoolean()).isTrue();
        pair.backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        assertThat(restartWg0().action()).isEqualTo(Action.FORWARDED);
    }

    private int restarts;

    /** Restarts wg0-branches through carpgate and returns carpgate's decision on it. */
    private CallOutcome restartWg0() throws Exception {
        master("restart-wg0");
        return awaitRestartDecision();
    }

    private CallOutcome awaitRestartDecision() {
        int n = ++restarts;
        Awaitility.await("decision on restart " + n).atMost(ExchangeRecorder.DEADLINE).pollInterval(Duration.ofMillis(10))
                .until(() -> restartDecisions().size() >= n);
        return restartDecisions().get(n - 1);
    }

    private List<CallOutcome> restartDecisions() {
        return pair.exchanges.calls().stream()
                .filter(c -> c.method().equals("opnsense.restart_service") && c.id().equals(Optional.of(WG0))).toList();
    }

    @Test
    void aReloadWhileARestoreIsWithTheBackupLosesNothingTheRestoreTaught() throws Exception {
        pair = Pair.start(dir, "", null);
        learnedOnVhid7();
        long restartsAtBackup = atTheBackup("opnsense.restart_service");

        CountDownLatch release = pair.backup.hold(RESTORE);
        CompletableFuture<JsonNode> moved = masterLater("restore-moved-to-lan");
        awaitAtTheBackup(RESTORE, 2);
        // The restore was decided by the runtime the reload now retires.
        Files.writeString(dir.resolve("carpgate.yml"), "# edited\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(pair.carpgate.reload(Map.of())).isInstanceOf(Carpgate.ReloadResult.Applied.class);
        release.countDown();
        assertThat(moved.get(60, TimeUnit.SECONDS).get("answer").asBoolean()).isTrue();

        // What the restore taught (wg0 now on VHID 2, where the backup is BACKUP) survived the reload.
        CallOutcome restart = restartWg0();
        assertThat(restart.action()).isEqualTo(Action.SUPPRESSED);
        assertThat(restart.reason()).contains("VHID 2");
        assertThat(atTheBackup("opnsense.restart_service")).isEqualTo(restartsAtBackup);
    }

    @Test
    void aRestartThatArrivesWhileARestoreIsWithTheBackupWaitsForItAndIsDecidedOnWhatItStored() throws Exception {
        pair = Pair.start(dir, "", null);
        learnedOnVhid7();
        long restartsAtBackup = atTheBackup("opnsense.restart_service");

        CountDownLatch release = pair.backup.hold(RESTORE);
        CompletableFuture<JsonNode> moved = masterLater("restore-moved-to-lan");
        awaitAtTheBackup(RESTORE, 2);
        CompletableFuture<JsonNode> restart = masterLater("restart-wg0");
        // While the restore is held, the restart must not reach the backup (before: it went on at once, on VHID 7).
        Awaitility.await("no restart while the restore is with the backup").during(Duration.ofMillis(800))
                .atMost(Duration.ofSeconds(5)).until(() -> atTheBackup("opnsense.restart_service") == restartsAtBackup);
        assertThat(restart).isNotDone();
        release.countDown();
        assertThat(moved.get(60, TimeUnit.SECONDS).get("answer").asBoolean()).isTrue();
        assertThat(restart.get(60, TimeUnit.SECONDS).get("answer").asText()).contains("carpgate suppressed");

        CallOutcome decision = awaitRestartDecision();
        assertThat(decision.action()).isEqualTo(Action.SUPPRESSED);
        assertThat(atTheBackup("opnsense.restart_service")).isEqualTo(restartsAtBackup);
    }

    @Test
    void afterARestartOfCarpgateAMapEntryByNameWorksAsBefore() throws Exception {
        pair = Pair.start(dir, "", "wireguard:\n  wg0-branches: {vhid: 7, interface: opt2}\n");
        learnedOnVhid7();
        Path file = PairMemories.fileIn(dir.resolve("state"), "default", pair.backup.baseUrl().toString());
        assertThat(file).exists();
        String saved = Files.readString(file);
        assertThat(saved).contains(WG0, "wg0-branches").doesNotContain("PRIVATE-KEY", "example-carp-secret",
                Pair.SYNC_PASSWORD, Pair.API_SECRET);

        pair = pair.restarted();
        CallOutcome restart = restartWg0();
        // Before: "not in the VHID map" (the uuid was forgotten), suppressed although the backup is MASTER.
        assertThat(restart.action()).isEqualTo(Action.FORWARDED);
        assertThat(restart.reason()).contains("MASTER for VHID 7", "from the VHID map");
    }

    @Test
    void theStatusPageAndCheckSayWhatCarpgateKnowsOfEachItemAndFromWhere() throws Exception {
        pair = Pair.start(dir, "", null);
        learnedOnVhid7();

        io.carpgate.observe.PairStatus.InstanceRow row = pair.carpgate.server().statuses().get(0).instances().stream()
                .filter(r -> r.instance().equals("wg0-branches")).findFirst().orElseThrow();
        assertThat(row.basis()).contains("VHID 7 from the master's VIP in the restore", "as of 20");

        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cli = io.carpgate.cli.Main.commandLine();
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(new java.io.StringWriter(), true));
        assertThat(cli.execute("check", "--offline", "--config", dir.resolve("carpgate.yml").toString())).isZero();
        assertThat(out.toString()).contains("remembered: 1 item(s) in " + dir.resolve("state"),
                "wireguard wg0-branches (" + WG0 + "): VHID 7; VHID 7 from the master's VIP in the restore; as of 20");
    }

    /** A restore that syncs VIPs replaces their uuids on the backup: the status page shows the new ones at once. */
    @Test
    void afterAStoredRestoreTheStatusPageShowsTheBackupsNewVipUuids() throws Exception {
        pair = Pair.start(dir, "", null); // carp-refresh is 60 s: only the re-read after the restore can show them
        Awaitility.await("the first CARP reading").atMost(ExchangeRecorder.DEADLINE)
                .until(() -> !pair.carpgate.server().statuses().get(0).vhids().isEmpty());
        assertThat(master("restore").get("answer").asBoolean()).isTrue();
        Awaitility.await("VHID 7's VIP uuid as the restore stored it").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> pair.carpgate.server().statuses().get(0).vhids().stream()
                        .anyMatch(v -> v.vhid() == 7 && v.backupVipUuid().equals("5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f")));
    }

    @Test
    void aCorruptMemoryIsAWarningNamingTheFileAndCarpgateStartsWithoutIt() throws Exception {
        pair = Pair.start(dir, "", null);
        learnedOnVhid7();
        Path file = PairMemories.fileIn(dir.resolve("state"), "default", pair.backup.baseUrl().toString());
        pair.carpgate.close();
        Files.writeString(file, "{\"format\": 1, \"pair\": \"default\", \"items\": [tru");

        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        root.addAppender(logged);
        try {
            pair = pair.restarted();
        } finally {
            root.detachAppender(logged);
        }
        assertThat(logged.list).anySatisfy(event -> {
            assertThat(event.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
            assertThat(event.getFormattedMessage()).contains(file.toString(), "cannot be read as carpgate's memory",
                    "kept as");
        });
        assertThat(file.resolveSibling(file.getFileName() + ".corrupt")).exists();
        CallOutcome restart = restartWg0();
        assertThat(restart.action()).isEqualTo(Action.SUPPRESSED);
        assertThat(restart.reason()).contains("has not been seen in a restore");
    }

    /** A multicall with a restore and a start: the start would run on what the restore stores, not yet known. */
    @Test
    void aStartInTheSameMulticallAsARestoreIsDecidedAsUnknown() throws Exception {
        pair = Pair.start(dir, "", null);
        learnedOnVhid7();
        long restoresAtBackup = atTheBackup(RESTORE);

        JsonNode answer = master("multicall-restore-restart");
        assertThat(answer.get("answer").get("fault").asInt()).isNotZero();
        assertThat(answer.get("answer").get("message").asText()).contains("same system.multicall");
        assertThat(atTheBackup("system.multicall")).isZero();
        assertThat(atTheBackup(RESTORE)).isEqualTo(restoresAtBackup);
    }

    @Test
    void aRestoreTheBackupRefusedTeachesNothing() throws Exception {
        pair = Pair.start(dir, "", null);
        learnedOnVhid7();

        JsonNode refused = PythonMaster.run(pair.base(), Pair.SYNC_USER, "not-the-password", "restore-moved-to-lan");
        assertThat(refused.get("answer").asText()).isEqualTo("Authentication failed");

        // The backup still has wg0 on VHID 7, where it is MASTER: the restart goes on, decided on what it stores.
        CallOutcome restart = restartWg0();
        assertThat(restart.action()).isEqualTo(Action.FORWARDED);
        assertThat(restart.reason()).contains("MASTER for VHID 7", "as of 20");
    }

    @Test
    void aRestoreWhoseAnswerNeverCameLeavesItsItemsUnknownUntilARestoreIsSeenStored() throws Exception {
        pair = Pair.start(dir, "limits: {upstream-timeout: 2s}\n", null);
        learnedOnVhid7();

        CountDownLatch release = pair.backup.hold(RESTORE);
        JsonNode lost = master("restore");
        assertThat(lost.get("answer").get("http_error").asInt()).isEqualTo(502);
        release.countDown();
        pair.backup.unhold();

        CallOutcome doubted = restartWg0();
        assertThat(doubted.action()).isEqualTo(Action.SUPPRESSED);
        assertThat(doubted.reason()).contains("may or may not have been stored");

        assertThat(master("restore").get("answer").asBoolean()).isTrue();
        assertThat(restartWg0().action()).isEqualTo(Action.FORWARDED);
    }
}
