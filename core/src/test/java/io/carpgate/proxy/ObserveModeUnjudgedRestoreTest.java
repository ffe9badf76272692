package io.carpgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpSource;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.memory.PairMemory;
import io.carpgate.policy.CarpItem;
import io.carpgate.policy.Gatekeeper;
import io.carpgate.policy.ItemKind;
import io.carpgate.policy.OnUnknownCarp;
import io.carpgate.policy.Verdict;
import io.carpgate.policy.VhidMap;
import io.carpgate.xmlrpc.BackupReader;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.ReadResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.net.URI;
import java.nio.ByteBuffer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Observe mode sends on what enforce mode would have rejected, suppressed or could not read. When that may hold a
 * restore, the backup may store what carpgate did not read: once enforce mode is switched on (a reload, the same
 * memory), a start must not be decided on what the backup held before. In memory, behind the real body buffering.
 */
class ObserveModeUnjudgedRestoreTest {
    private static final String WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    private static final String VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    private static final String VIP2 = "77777777-2222-4333-8444-555555555555";

    private static final CarpSource CARP = new io.carpgate.testkit.FixedCarp(new CarpView.Known(
                    List.of(new BackupVip(VIP7, "opt2", 7, "198.51.100.5", "WAN2 CARP"),
                            new BackupVip(VIP2, "lan", 2, "192.168.1.1", "LAN CARP")),
                    List.of(new VipState("WAN2", 7, "198.51.100.5", "MASTER"),
                            new VipState("LAN", 2, "192.168.1.1", "BACKUP")),
                    Instant.EPOCH));

    private static String s(String text) {
        return "<value><string>" + text + "</string></value>";
    }

    private static String m(String name, String value) {
        return "<member><name>" + name + "</name>" + value + "</member>";
    }

    private static String struct(String... members) {
        return "<value><struct>" + String.join("", members) + "</struct></value>";
    }

    private static String array(String... values) {
        return "<value><array><data>" + String.join("", values) + "</data></array></value>";
    }

    private static final String SERVER = struct(
            m("@attributes", struct(m("uuid", s(WG0)))),
            m("enabled", s("1")), m("name", s("wg0-branches")), m("carp_depend_on", s(VIP2)));
    private static final String WIREGUARD = struct(
            m("general", struct(m("enabled", s("1")))),
            m("server", struct(m("servers", struct(m("server", SERVER))))));
    private static final String VIP = struct(
            m("@attributes", struct(m("uuid", s(VIP2)))),
            m("interface", s("lan")), m("mode", s("carp")), m("vhid", s("2")));
    private static final String SECTIONS = struct(
            m("OPNsense", struct(m("wireguard", WIREGUARD))),
            m("virtualip", struct(m("vip", VIP))));
    private static final String RESTORE_WG0_ON_VHID2 = struct(
            m("methodName", s("opnsense.restore_config_section")),
            m("params", array(SECTIONS)));
    private static final String RESTART_WG0 = struct(
            m("methodName", s("opnsense.restart_service")),
            m("params", array(struct(m("service", s("wireguard")), m("id", s(WG0))))));
    private static final String MULTICALL = "<?xml version=\"1.0\"?><methodCall><methodName>system.multicall"
            + "</methodName><params><param>" + array(RESTORE_WG0_ON_VHID2, RESTART_WG0) + "</param></params></methodCall>";
    private static final String RESTART = "<?xml version=\"1.0\"?><methodCall><methodName>opnsense.restart_service"
            + "</methodName><params><param>" + struct(m("service", s("wireguard")), m("id", s(WG0)))
            + "</param></params></methodCall>";

    @Test
    void aRestoreObserveModeSendsOnIsRememberedAsAtLeastInDoubt() throws Exception {
        PairMemory memory = PairMemory.inProcess("default", Clock.systemUTC());
        // What an earlier stored restore taught: wg0 follows VHID 7.
        memory.stored(List.of(new CarpItem(ItemKind.WIREGUARD, WG0, "wg0-branches", true, Optional.of(7),
                Optional.of("opt2"), Optional.of(VIP7), "VHID 7 from the master's VIP in the restore", Optional.empty())));
        Gatekeeper gatekeeper = new Gatekeeper("default", VhidMap.none(), CARP, OnUnknownCarp.SUPPRESS, memory,
                Duration.ofSeconds(5), vips -> { });

        try (StageHarness observe = observing(gatekeeper, backup())) {
            observe.post(MULTICALL);
            assertThat(observe.record().upstreamStatus()).as("observe mode sends the multicall, restore and all, to "
                    + "the backup").contains(200);
            assertThat(observe.record().calls()).extracting(io.carpgate.policy.CallOutcome::action)
                    .as("what enforce mode would have done").containsOnly(io.carpgate.policy.Action.REJECTED);
            assertThat(observe.record().calls()).extracting(io.carpgate.policy.CallOutcome::reason)
                    .as("the start in it").anyMatch(r -> r.contains("a start carpgate would suppress"));
        }
        // The backup stored it: wg0 now depends on VIP2 (VHID 2, BACKUP there). Reload into enforce mode.
        MethodCall restart = ((ReadResult.Call) BackupReader.read(RESTART.getBytes(StandardCharsets.UTF_8))).call();
        Verdict verdict = gatekeeper.decide(restart).verdict();
        assertThat(verdict).as("memory after the observe-mode multicall: " + memory.book().all()
                + "; decision: " + verdict.calls()).isNotInstanceOf(Verdict.Forward.class);
    }
    private Server backup;

    @AfterEach
    void stopBackup() {
        LifeCycle.stop(backup);
    }

    /** The backup: a plain HTTP stand-in on loopback that stores whatever it gets (it answers every call with true). */
    private URI backup() throws Exception {
        backup = StandInBackup.start(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Request.asInputStream(request).readAllBytes();
                response.getHeaders().put("Content-Type", "text/xml");
                response.write(true, ByteBuffer.wrap(("<methodResponse><params><param><value><boolean>1</boolean>"
                        + "</value></param></params></methodResponse>").getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        return StandInBackup.xmlrpc(backup);
    }

    /** carpgate's decision and forwarding stages in observe mode, the master's side in memory. */
    private static StageHarness observing(Gatekeeper gatekeeper, URI backup) throws Exception {
        Forwarder forwarder = new Forwarder(new Forwarder.Upstream(backup, new SslContextFactory.Client(),
                Duration.ofSeconds(10), Duration.ofSeconds(30)), io.carpgate.observe.Logs.CONSOLE);
        BodyBudget budget = new BodyBudget(1 << 20);
        io.carpgate.observe.Metrics metrics = new io.carpgate.observe.Metrics("test");
        return new StageHarness(next -> new BodyBuffering(1 << 20, budget, metrics,
                new Deciding(gatekeeper::decide, gatekeeper::sentUnjudged, true, budget, metrics, next)), forwarder);
    }

    private static PairMemory knowingWg0OnVhid7() {
        PairMemory memory = PairMemory.inProcess("default", Clock.systemUTC());
        memory.stored(List.of(new CarpItem(ItemKind.WIREGUARD, WG0, "wg0-branches", true, Optional.of(7),
                Optional.of("opt2"), Optional.of(VIP7), "VHID 7 from the master's VIP in the restore", Optional.empty())));
        return memory;
    }

    private static Gatekeeper gatekeeper(PairMemory memory) {
        return new Gatekeeper("default", VhidMap.none(), CARP, OnUnknownCarp.SUPPRESS, memory, Duration.ofSeconds(5),
                vips -> { });
    }

    @Test
    void aBodyCarpgateCouldNotReadLeavesEveryItemInDoubtOnceSent() throws Exception {
        PairMemory memory = knowingWg0OnVhid7();
        Gatekeeper gatekeeper = gatekeeper(memory);
        // A DOCTYPE: carpgate does not read it (the backup's libxml2 would expand its entities and may store it).
        String unread = "<?xml version=\"1.0\"?><!DOCTYPE methodCall [<!ENTITY v \"" + VIP2 + "\">]>"
                + MULTICALL.substring(MULTICALL.indexOf("<methodCall>"));
        try (StageHarness observe = observing(gatekeeper, backup())) {
            observe.post(unread);
            assertThat(observe.record().upstreamStatus()).as("observe mode sends it on").contains(200);
        }
        assertThat(memory.book().all()).singleElement().satisfies(wg0 -> {
            assertThat(wg0.vhid()).isEmpty();
            assertThat(wg0.basis()).contains("could not read");
        });
        assertThat(memory.order().unsettled()).as("its turn ended with the request").isZero();
        assertThat(gatekeeper.decide(read(RESTART)).verdict()).isInstanceOf(Verdict.Suppress.class);
    }

    @Test
    void aSuppressedStartObserveModeSendsOnTeachesNothing() throws Exception {
        PairMemory memory = knowingWg0OnVhid7();
        // The backup BACKUP for VHID 7 this time: enforce mode would have suppressed the restart.
        Gatekeeper gatekeeper = new Gatekeeper("default", VhidMap.none(), new io.carpgate.testkit.FixedCarp(new CarpView.Known(List.of(new BackupVip(VIP7, "opt2", 7, "198.51.100.5", "WAN2 CARP")),
                        List.of(new VipState("WAN2", 7, "198.51.100.5", "BACKUP")), Instant.EPOCH)), OnUnknownCarp.SUPPRESS, memory, Duration.ofSeconds(5), vips -> { });
        List<CarpItem> before = List.copyOf(memory.book().all());
        try (StageHarness observe = observing(gatekeeper, backup())) {
            observe.post(RESTART);
            assertThat(observe.record().upstreamStatus()).contains(200);
            assertThat(observe.record().calls()).extracting(io.carpgate.policy.CallOutcome::action)
                    .containsExactly(io.carpgate.policy.Action.SUPPRESSED);
        }
        assertThat(memory.book().all()).as("a start stores nothing of the items").containsExactlyElementsOf(before);
    }

    private static MethodCall read(String body) {
        return ((ReadResult.Call) BackupReader.read(body.getBytes(StandardCharsets.UTF_8))).call();
    }
}
