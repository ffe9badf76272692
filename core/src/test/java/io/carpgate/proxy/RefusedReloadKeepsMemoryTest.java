package io.carpgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carpgate.config.Access;
import io.carpgate.config.ApiCredentials;
import io.carpgate.config.Backup;
import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.Limits;
import io.carpgate.config.LogSettings;
import io.carpgate.config.Mode;
import io.carpgate.config.PairConfig;
import io.carpgate.config.UpstreamTrust;
import io.carpgate.config.WatchSettings;
import io.carpgate.memory.PairMemories;
import io.carpgate.memory.PairMemory;
import io.carpgate.observe.Sinks;
import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemKind;
import io.carpgate.policy.OnUnknownCarp;
import io.carpgate.policy.VhidMap;
import io.carpgate.tls.Fingerprint;
import io.carpgate.tls.PemFiles;
import io.carpgate.tls.TlsContexts;
import io.carpgate.watch.PairWatches;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload that moves a pair to another backup but is refused (another pair of it cannot be built) leaves the running
 * pair's memory and its file as they were: the running configuration stays in force, and so does what it learned.
 */
class RefusedReloadKeepsMemoryTest {
    @TempDir
    Path dir;

    private static final CarpItem WG0 = new CarpItem(ItemKind.WIREGUARD, "3d2c1b0a", "wg0-branches", true,
            Optional.of(7), Optional.of("opt2"), Optional.of("9a8b7c6d"), "VHID 7 from the master's VIP in the restore",
            Optional.empty());

    private static PairConfig pair(String name, String path, String url, UpstreamTrust trust) {
        return new PairConfig(name, path, new Backup(URI.create(url), trust, new ApiCredentials("key", "secret")),
                VhidMap.none(), OnUnknownCarp.SUPPRESS);
    }

    private static CarpgateConfig config(List<PairConfig> pairs) {
        Path nowhere = Path.of("(test)");
        return new CarpgateConfig(nowhere.resolve("carpgate.yml"), new CarpgateConfig.Listen("127.0.0.1", 0),
                new CarpgateConfig.TlsFiles(nowhere.resolve("c.crt"), nowhere.resolve("c.key")), pairs,
                LogSettings.defaults(nowhere.resolve("logs")), Limits.defaults(), Access.loopbackOnly(), Mode.ENFORCE,
                Optional.empty(), List.of(), List.of(), Optional.empty(), new WatchSettings(Duration.ZERO));
    }

    @Test
    void aRejectedReloadLeavesTheRunningPairsMemoryAsItWas() throws Exception {
        Path cert = dir.resolve("c.crt");
        Path key = dir.resolve("c.key");
        Fingerprint fingerprint = PemFiles.writeSelfSigned(cert, key, "carpgate", List.of("127.0.0.1"));
        Path state = dir.resolve("state");
        PairMemories memories = new PairMemories(Optional.of(state), Clock.systemUTC());
        PairConfig a = pair("a", "/a", "https://127.0.0.1:9", new UpstreamTrust.Pin(fingerprint));
        CarpgateServer server = CarpgateServer.prepare(config(List.of(a)),
                TlsContexts.server(PemFiles.loadKeyStore(cert, key), PemFiles.keyStorePassword()), Sinks.none(),
                memories, new PairWatches());
        try {
            PairMemory running = memories.of("a", a.backup().identity()); // the running runtime's memory
            running.stored(List.of(WG0));
            assertThat(PairMemories.look(state, "a", a.backup().identity()))
                    .isInstanceOf(PairMemories.Remembered.Items.class);

            CarpgateConfig next = config(List.of(
                    pair("a", "/a", "https://127.0.0.2:9", new UpstreamTrust.Pin(fingerprint)),
                    pair("b", "/b", "https://127.0.0.3:9", new UpstreamTrust.Ca(dir.resolve("gone-ca.pem")))));
            assertThatThrownBy(() -> server.apply(next, memories, new PairWatches()));
            assertThat(server.config().pairs()).as("the running configuration stays in force").containsExactly(a);

            assertThat(memories.of("a", a.backup().identity()))
                    .as("the running pair's memory is the one it had (not retired, not replaced)").isSameAs(running);
            assertThat(PairMemories.look(state, "a", a.backup().identity()))
                    .as("its file is where a restart loads it").isInstanceOf(PairMemories.Remembered.Items.class);
        } finally {
            server.close();
        }
    }
}
