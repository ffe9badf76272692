package io.carpgate.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.policy.CarpItem;
import io.carpgate.policy.Gatekeeper;
import io.carpgate.policy.ItemBook;
import io.carpgate.policy.ItemKind;
import io.carpgate.policy.OnUnknownCarp;
import io.carpgate.policy.Verdict;
import io.carpgate.policy.VhidMap;
import io.carpgate.testkit.FixedCarp;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.TextSlot;
import io.carpgate.xmlrpc.XmlRpcValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An item in doubt is gated, its role unknown. A memory file of carpgate before that rule (the same format) holds an
 * OpenVPN server in doubt as not gated; after the upgrade it is still gated, not trusted as a server.
 */
class InDoubtFileFromBeforeTest {
    @TempDir
    Path dir;

    private static XmlRpcValue.Str str(String s, long at) {
        return new XmlRpcValue.Str(s, new TextSlot(at, at + s.length(), "", ""));
    }

    @Test
    void anInDoubtServerFromAnOlderFileIsNotStartedOnABackup() throws Exception {
        String uuid = "6c1f7a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
        Instant at = Instant.parse("2026-12-07T09:00:00Z");
        // What the previous version's inDoubt() wrote: gated kept from the side it was (a server), no VHID.
        CarpItem legacy = new CarpItem(ItemKind.OPENVPN, uuid, "branch", false, Optional.empty(), Optional.empty(),
                Optional.empty(), "a restore sent at " + at + " had not been answered when carpgate last saved this file",
                Optional.of(at), Optional.empty());
        Path file = PairMemories.fileIn(dir, "default", "https://192.0.2.2");
        Files.createDirectories(file.getParent());
        Files.write(file, MemoryFile.encode("default", "https://192.0.2.2", ItemBook.empty().with(List.of(legacy))));

        PairMemory memory = new PairMemories(Optional.of(dir), Clock.systemUTC()).of("default", "https://192.0.2.2");
        assertThat(memory.book().size()).isEqualTo(1);
        CarpView backup7 = new CarpView.Known(List.of(new BackupVip("b7", "opt2", 7, "198.51.100.5", "WAN2 CARP")),
                List.of(new VipState("WAN2", 7, "198.51.100.5", "BACKUP")), Instant.EPOCH);
        Gatekeeper gatekeeper = new Gatekeeper("default", VhidMap.none(), new FixedCarp(backup7), OnUnknownCarp.SUPPRESS,
                memory, Duration.ofSeconds(5), vips -> { });
        Map<String, XmlRpcValue> params = new LinkedHashMap<>();
        params.put("service", str("openvpn", 10));
        params.put("id", str(uuid, 40));
        Gatekeeper.Decided start = gatekeeper.decide(new MethodCall("opnsense.restart_service",
                List.of(new XmlRpcValue.Struct(params))));
        start.pending().settle(new BackupOutcome.Stored());
        assertThat(start.verdict()).as("restart of an instance in doubt (may be a client on VHID 7, BACKUP): %s",
                start.verdict().calls().get(0).reason()).isInstanceOf(Verdict.Suppress.class);
    }
}
