package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.CarpStatus;
import io.carpgate.runtime.Carpgate;
import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import io.carpgate.sim.SimVip;
import io.carpgate.sim.WireguardStart;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A randomized, seeded, bounded model test of what carpgate knows of a pair (issue #15, point 6): random steps on
 * the real handler chain in front of the in-process simulated backup — restores that move the WireGuard instance
 * between VHIDs (its VIP synced, not synced, or VIP sync off with only the VHID map to tell), starts and restarts
 * (by id and with an empty id), reloads (a harmless edit, or a changed VHID map), restarts of carpgate on the same
 * state directory, CARP flips, restores the backup refused (wrong password) or whose answer was lost (held past
 * {@code upstream-timeout}), and pairs of these at once (a held restore with a restart or a reload, a restart with
 * a CARP flip).
 *
 * <p>The invariant is checked after every step from the backup's own records ({@link WireguardStart}: what the
 * backup held at the moment it ran each start): every start that reached the backup was for an instance whose
 * last stored {@code carp_depend_on} resolves to a backup VIP whose VHID is MASTER. carp-cache is 1 ms (as
 * {@link Pair} sets it), so the only slack allowed is for a start that raced a CARP flip of its own VHID in the
 * same step (the documented cache age). After a refused restore the next decision must be the one before it.
 *
 * <p>{@code -Dcarpgate.model.seed=N} replays a run; {@code -Dcarpgate.model.runs=N} runs longer. The master is
 * the JDK's HTTP client sending the fixture's bytes ({@link RawHttps}): a Python process per call would not fit
 * the hundreds of calls into the time budget.
 */
@EndToEnd
class PairMemoryModelTest {
    static final String WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    static final String RESTORE = "opnsense.restore_config_section";
    static final int STEPS = 24;

    /** The master's VIPs a restore can carry (and the backup then has, uuids included). */
    static final String VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    static final String VIP2 = "a1b2c3d4-0000-4000-8000-0000000000a2";
    /** A master VIP that is never synced: the backup has no VIP of this uuid. */
    static final String UNSYNCED = "0badc0de-0000-4000-8000-00000000beef";

    static final String MAP_NONE = "wireguard: {}\n";
    static final String MAP_7 = "wireguard:\n  wg0-branches: {vhid: 7, interface: opt2}\n";
    static final String MAP_2 = "wireguard:\n  wg0-branches: {vhid: 2, interface: lan}\n";

    @TempDir
    Path dir;
    Pair pair;
    final RawHttps http = new RawHttps();

    @AfterEach
    void stop() throws Exception {
        if (pair != null) {
            pair.backup.unhold();
            pair.close();
        }
    }

    @Test
    void aStartReachesTheBackupOnlyForAnInstanceWhoseStoredDependencyIsMaster() throws Exception {
        long seed = Long.getLong("carpgate.model.seed", new Random().nextLong());
        int runs = Integer.getInteger("carpgate.model.runs", 4);
        Totals totals = new Totals();
        for (int run = 0; run < runs; run++) {
            long runSeed = seed + run;
            Run model = new Run(runSeed, Files.createDirectories(dir.resolve("run-" + run)), totals);
            try {
                model.go();
            } catch (AssertionError | Exception e) {
                throw new AssertionError("model run failed; replay with -Dcarpgate.model.seed=" + runSeed
                        + " -Dcarpgate.model.runs=1 (first seed " + seed + ")\nsteps:\n" + model.trace(), e);
            } finally {
                if (pair != null) {
                    pair.backup.unhold();
                    pair.close();
                    pair = null;
                }
            }
        }
        // Not vacuous: some starts reached the backup and others were kept back.
        assertThat(totals.forwarded).as("starts forwarded (seed %d)", seed).isPositive();
        assertThat(totals.suppressed).as("starts suppressed (seed %d)", seed).isPositive();
    }

    static final class Totals {
        int forwarded;
        int suppressed;
    }

    /** The bodies the master sends, from the fixture's bytes. */
    static final class Bodies {
        static final String FIXTURE = fixture();
        static final String VIP_BLOCK_START = "  <member><name>virtualip</name>";

        static String fixture() {
            try (InputStream in = PairMemoryModelTest.class.getResourceAsStream(
                    "/opnsense-fixtures/restore_config_section.request.xml")) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** VIP2 on lan, VHID 2, as the master would send it beside the fixture's VIP7. */
        static String vip2Value() {
            String first = FIXTURE.substring(FIXTURE.indexOf("<data>\n") + "<data>\n".length(),
                    FIXTURE.indexOf("</data>"));
            return first.replace(VIP7, VIP2).replace("<string>opt2</string>", "<string>lan</string>")
                    .replace("198.51.100.5", "192.168.1.1").replace("<string>28</string>", "<string>24</string>")
                    .replace("<name>vhid</name><value><string>7</string>", "<name>vhid</name><value><string>2</string>")
                    .replace("WAN2 CARP", "LAN CARP");
        }

        static byte[] restore(String dependency, VipSync sync) {
            String body = FIXTURE.replace("<name>carp_depend_on</name><value><string>" + VIP7 + "</string>",
                    "<name>carp_depend_on</name><value><string>" + dependency + "</string>");
            switch (sync) {
                case BOTH -> body = body.replace("</data>", vip2Value() + "</data>");
                case NONE -> body = body.substring(0, body.indexOf(VIP_BLOCK_START))
                        + "</struct></value></param>\n</params></methodCall>\n";
                case ONLY_7 -> { }
            }
            return body.getBytes(StandardCharsets.UTF_8);
        }

        static byte[] control(String action, String id) {
            return ("<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>opnsense." + action + "_service</methodName>\n"
                    + "<params>\n<param><value><struct>\n"
                    + "  <member><name>service</name><value><string>wireguard</string></value></member>\n"
                    + "  <member><name>id</name><value><string>" + id + "</string></value></member>\n"
                    + "</struct></value></param>\n</params></methodCall>\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    enum VipSync { BOTH, ONLY_7, NONE }

    /** One seeded run: a fresh backup and carpgate, {@link #STEPS} random steps, the invariant after each. */
    final class Run {
        final Random random;
        final Path runDir;
        final Totals totals;
        final List<String> trace = new ArrayList<>();
        int checked;
        int restartsDecided;

        Run(long seed, Path runDir, Totals totals) {
            this.random = new Random(seed);
            this.runDir = runDir;
            this.totals = totals;
        }

        String trace() {
            return String.join("\n", trace);
        }

        void go() throws Exception {
            pair = Pair.start(runDir, "limits: {upstream-timeout: 2s}\n", MAP_NONE);
            step("restore VIP7 with both VIPs synced", () -> restoreOk(VIP7, VipSync.BOTH));
            step("CARP VHID 7 MASTER", () -> pair.backup.setCarpStatus(7, "opt2", CarpStatus.MASTER));
            boolean lostDone = false;
            for (int i = 0; i < STEPS; i++) {
                int pick = random.nextInt(100);
                if (pick < 22) {
                    String dependency = List.of(VIP7, VIP2, UNSYNCED).get(random.nextInt(3));
                    VipSync sync = VipSync.values()[random.nextInt(3)];
                    step("restore " + name(dependency) + " vip-sync " + sync, () -> restoreOk(dependency, sync));
                } else if (pick < 50) {
                    String action = random.nextBoolean() ? "restart" : "start";
                    String id = random.nextInt(4) == 0 ? "" : WG0;
                    step(action + " id '" + id + "'", () -> control(action, id));
                } else if (pick < 58) {
                    step("reload (harmless edit)", this::reloadEdit);
                } else if (pick < 65) {
                    String map = List.of(MAP_NONE, MAP_7, MAP_2).get(random.nextInt(3));
                    step("reload with VHID map " + map.strip().replace('\n', ' '), () -> reloadMap(map));
                } else if (pick < 70) {
                    step("restart carpgate", () -> pair = pair.restarted());
                } else if (pick < 80) {
                    List<SimVip> vips = pair.backup.vips();
                    SimVip vip = vips.get(random.nextInt(vips.size()));
                    CarpStatus status = random.nextBoolean() ? CarpStatus.MASTER : CarpStatus.BACKUP;
                    step("CARP VHID " + vip.vhid() + "@" + vip.iface() + " " + status,
                            () -> pair.backup.setCarpStatus(vip.vhid(), vip.iface(), status));
                } else if (pick < 86) {
                    String dependency = List.of(VIP7, VIP2, UNSYNCED).get(random.nextInt(3));
                    step("refused restore " + name(dependency), () -> refusedRestore(dependency));
                } else if (pick < 88 && !lostDone) {
                    lostDone = true; // each costs upstream-timeout: one a run at most
                    String dependency = List.of(VIP7, VIP2, UNSYNCED).get(random.nextInt(3));
                    step("restore " + name(dependency) + " whose answer is lost", () -> lostRestore(dependency));
                } else if (pick < 94) {
                    String dependency = List.of(VIP7, VIP2, UNSYNCED).get(random.nextInt(3));
                    VipSync sync = VipSync.values()[random.nextInt(3)];
                    boolean reload = random.nextBoolean();
                    step("held restore " + name(dependency) + " vip-sync " + sync + " with a "
                            + (reload ? "reload" : "restart") + " at once",
                            () -> heldRestoreWith(dependency, sync, reload));
                } else {
                    List<SimVip> vips = pair.backup.vips();
                    SimVip vip = vips.get(random.nextInt(vips.size()));
                    CarpStatus status = pair.backup.carpStatus(vip.vhid(), vip.iface()).orElse(CarpStatus.BACKUP)
                            == CarpStatus.MASTER ? CarpStatus.BACKUP : CarpStatus.MASTER;
                    step("restart with CARP VHID " + vip.vhid() + "@" + vip.iface() + " " + status + " at once",
                            () -> restartWithFlip(vip, status));
                }
            }
        }

        interface Body {
            void run() throws Exception;
        }

        void step(String what, Body body) throws Exception {
            flippedAway.clear();
            trace.add("step " + (++steps) + ": " + what);
            body.run();
            checkInvariant(Set.copyOf(flippedAway));
        }

        int steps;

        /** VHIDs flipped away from MASTER by the current step while a start was on its way (the cache's slack). */
        final List<Integer> flippedAway = new ArrayList<>();

        void checkInvariant(Set<Integer> racedFlips) {
            List<WireguardStart> starts = pair.backup.wireguardStarts();
            for (WireguardStart start : starts.subList(checked, starts.size())) {
                boolean raced = start.vhid().isPresent() && racedFlips.contains(start.vhid().get());
                assertThat(start.onMaster() || raced)
                        .as("start reached the backup for an instance whose stored dependency is not MASTER: %s;"
                                + " backup VIPs %s", start, pair.backup.vips())
                        .isTrue();
                totals.forwarded++;
            }
            checked = starts.size();
            // What the backup's own CARP hooks act on: a dependency naming none of its VIPs brings wg0 up as BACKUP.
            String stored = pair.backup.wireguardInstances().get(WG0).carpDependOn();
            assertThat(pair.backup.vips()).extracting(SimVip::uuid)
                    .as("wg0's stored dependency %s names a VIP of the backup", stored).contains(stored);
        }

        String name(String dependency) {
            return dependency.equals(VIP7) ? "VIP7" : dependency.equals(VIP2) ? "VIP2" : "unsynced VIP";
        }

        URI xmlrpc() {
            return pair.carpgate("/xmlrpc.php");
        }

        RawHttps.Answer post(byte[] body) throws Exception {
            return http.post(xmlrpc(), RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), body);
        }

        void restoreOk(String dependency, VipSync sync) throws Exception {
            long stored = pair.backup.restoresStored();
            RawHttps.Answer answer = post(Bodies.restore(dependency, sync));
            assertThat(answer.status()).isEqualTo(200);
            if (rejected(answer)) {
                assertThat(pair.backup.restoresStored()).as("a rejected restore is not sent").isEqualTo(stored);
                return;
            }
            assertThat(answer.text()).contains("<boolean>1</boolean>");
            assertThat(pair.backup.restoresStored()).isEqualTo(stored + 1);
        }

        /**
         * carpgate rejected the restore: stored, it would leave wg0 following a VIP the backup does not have (the
         * invariant's second half says none ever got through).
         */
        boolean rejected(RawHttps.Answer answer) {
            boolean rejected = answer.text().contains("carpgate rejected the request, nothing was sent to the backup");
            if (rejected) {
                trace.add("   -> restore rejected");
            }
            return rejected;
        }

        /** A start/restart through carpgate; returns carpgate's decision on it. */
        CallOutcome control(String action, String id) throws Exception {
            RawHttps.Answer answer = post(Bodies.control(action, id));
            assertThat(answer.status()).isEqualTo(200);
            return awaitControlDecision();
        }

        CallOutcome awaitControlDecision() {
            int n = ++restartsDecided;
            Awaitility.await("decision on start/restart " + n).atMost(ExchangeRecorder.DEADLINE)
                    .pollInterval(Duration.ofMillis(5)).until(() -> controlDecisions().size() >= n);
            CallOutcome decision = controlDecisions().get(n - 1);
            trace.add("   -> " + decision.action() + ": " + decision.reason());
            if (decision.action() == Action.SUPPRESSED) {
                totals.suppressed++;
            }
            return decision;
        }

        List<CallOutcome> controlDecisions() {
            return pair.exchanges.calls().stream().filter(c -> c.method().equals("opnsense.restart_service")
                    || c.method().equals("opnsense.start_service")).toList();
        }

        void reloadEdit() throws Exception {
            Files.writeString(runDir.resolve("carpgate.yml"), "# edited\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            assertThat(pair.carpgate.reload(Map.of())).isInstanceOf(Carpgate.ReloadResult.Applied.class);
        }

        void reloadMap(String map) throws Exception {
            Files.writeString(runDir.resolve("vhid-map.yml"), map);
            assertThat(pair.carpgate.reload(Map.of())).isInstanceOf(Carpgate.ReloadResult.Applied.class);
        }

        /** Wrong password: the backup says "Authentication failed", stores nothing, and carpgate learns nothing. */
        void refusedRestore(String dependency) throws Exception {
            CallOutcome before = control("restart", WG0);
            long stored = pair.backup.restoresStored();
            RawHttps.Answer refused = http.post(xmlrpc(), RawHttps.basic(Pair.SYNC_USER, "not-the-password"),
                    Bodies.restore(dependency, VipSync.values()[random.nextInt(3)]));
            assertThat(refused.text()).containsAnyOf("Authentication failed",
                    "carpgate rejected the request, nothing was sent to the backup");
            assertThat(pair.backup.restoresStored()).isEqualTo(stored);
            CallOutcome after = control("restart", WG0);
            assertThat(after.action()).as("decision after a refused restore").isEqualTo(before.action());
            assertThat(after.reason()).as("reason after a refused restore").isEqualTo(before.reason());
        }

        /** Held past upstream-timeout: the master gets 502, then the backup stores it after all. */
        void lostRestore(String dependency) throws Exception {
            long stored = pair.backup.restoresStored();
            CountDownLatch release = pair.backup.hold(RESTORE);
            try {
                RawHttps.Answer lost = post(Bodies.restore(dependency, VipSync.values()[random.nextInt(3)]));
                if (lost.status() == 200 && rejected(lost)) {
                    assertThat(pair.backup.restoresStored()).isEqualTo(stored);
                    return;
                }
                assertThat(lost.status()).isEqualTo(502);
            } finally {
                release.countDown();
                pair.backup.unhold();
            }
            awaitStored(stored + 1);
        }

        void awaitStored(long count) {
            Awaitility.await(count + " restores stored").atMost(ExchangeRecorder.DEADLINE)
                    .pollInterval(Duration.ofMillis(5)).until(() -> pair.backup.restoresStored() >= count);
        }

        long restoresReceived() {
            return pair.xmlrpcCalls().stream().filter(c -> c.methodName().equals(Optional.of(RESTORE))).count();
        }

        /**
         * A restore held at the backup while a restart (or a reload) comes in; released at a random moment (at
         * once, or once the restart has had time to be read by carpgate).
         */
        void heldRestoreWith(String dependency, VipSync sync, boolean reload) throws Exception {
            long stored = pair.backup.restoresStored();
            long received = restoresReceived();
            CountDownLatch release = pair.backup.hold(RESTORE);
            CompletableFuture<RawHttps.Answer> restore;
            CompletableFuture<RawHttps.Answer> restart = CompletableFuture.completedFuture(null);
            try {
                restore = async(() -> post(Bodies.restore(dependency, sync)));
                Awaitility.await("restore at the backup (or rejected)").atMost(ExchangeRecorder.DEADLINE)
                        .pollInterval(Duration.ofMillis(5)).until(() -> restoresReceived() > received || restore.isDone());
                if (restoresReceived() == received && rejected(restore.get())) {
                    return;
                }
                if (reload) {
                    reloadEdit();
                } else {
                    String id = random.nextInt(3) == 0 ? "" : WG0;
                    restart = async(() -> post(Bodies.control("restart", id)));
                    if (random.nextBoolean()) {
                        // Gives the restart the chance to be read while the restore is still held (then it waits
                        // behind it); released at once, it may be read after. Both orders are interleavings the
                        // invariant must hold for, so nothing depends on which one this pause produced.
                        Awaitility.await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
                                .until(() -> true);
                    }
                }
            } finally {
                release.countDown();
                pair.backup.unhold();
            }
            RawHttps.Answer restored = restore.get(60, TimeUnit.SECONDS);
            assertThat(restored.text()).contains("<boolean>1</boolean>");
            awaitStored(stored + 1);
            if (!reload) {
                assertThat(restart.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
                awaitControlDecision();
            }
        }

        /** A restart and a CARP flip at once: the start may reach the backup on the reading before the flip. */
        void restartWithFlip(SimVip vip, CarpStatus status) throws Exception {
            boolean away = pair.backup.carpStatus(vip.vhid(), vip.iface()).equals(Optional.of(CarpStatus.MASTER))
                    && status != CarpStatus.MASTER;
            if (away) {
                flippedAway.add(vip.vhid());
            }
            CompletableFuture<RawHttps.Answer> restart = async(() -> post(Bodies.control("restart", WG0)));
            pair.backup.setCarpStatus(vip.vhid(), vip.iface(), status);
            assertThat(restart.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
            awaitControlDecision();
        }
    }

    interface Call<T> {
        T call() throws Exception;
    }

    static <T> CompletableFuture<T> async(Call<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
