package io.carpgate.proxy;

import io.carpgate.carp.BackupApiClient;
import io.carpgate.carp.CarpSource;
import io.carpgate.carp.CarpView;
import io.carpgate.config.Access;
import io.carpgate.config.Limits;
import io.carpgate.config.Mode;
import io.carpgate.config.PairConfig;
import io.carpgate.config.VhidMap;
import io.carpgate.config.VhidMapLoader;
import io.carpgate.observe.Metrics;
import io.carpgate.observe.PairStatus;
import io.carpgate.policy.ItemBook;
import io.carpgate.policy.VhidHints;
import io.carpgate.tls.TlsContexts;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;

/**
 * One HA pair while carpgate runs: its {@link SyncProxy}, the CARP view of its backup and what carpgate
 * learned of its items with a CARP dependency. A reload builds a new one and hands over the learned items.
 */
final class PairRuntime implements AutoCloseable {
    private final PairConfig config;
    private final VhidHints hints;
    private final HttpClient apiClient;
    private final CarpSource carp;
    private final Gatekeeper gatekeeper;
    private final SyncProxy proxy;
    private final AtomicInteger inFlight = new AtomicInteger();

    private PairRuntime(PairConfig config, VhidHints hints, HttpClient apiClient, CarpSource carp,
                        Gatekeeper gatekeeper, SyncProxy proxy) {
        this.config = config;
        this.hints = hints;
        this.apiClient = apiClient;
        this.carp = carp;
        this.gatekeeper = gatekeeper;
        this.proxy = proxy;
    }

    /** What every pair shares: the limits, who may connect, the mode, the metrics and the server it runs in. */
    record Shared(Limits limits, Access access, Mode mode, Metrics metrics, org.eclipse.jetty.server.Server server) {}

    /**
     * Loads the pair's VHID map and starts its upstream and API clients.
     *
     * @param learned items an earlier runtime of this pair learned (empty for a new pair)
     */
    static PairRuntime start(PairConfig config, Shared shared, ItemBook learned) throws Exception {
        VhidMap map = config.vhidMap().isPresent() ? VhidMapLoader.load(config.vhidMap().get()) : VhidMap.empty();
        VhidHints hints = PolicyMapping.hints(map);
        // The API client has its own TLS context; it trusts the backup exactly as the sync path does.
        HttpClient apiClient = BackupApiClient.newHttpClient(TlsContexts.client(config.backup().trust()));
        try {
            BackupApiClient api = new BackupApiClient(apiClient, config.backup().url(),
                    config.backup().apiCredentials().key(), config.backup().apiCredentials().secret(),
                    shared.limits().apiTimeout(), shared.limits().carpCacheTtl(), Clock.systemUTC());
            CarpSource carp = shared.metrics().countingApiErrors(config.name(), api);
            Gatekeeper gatekeeper = new Gatekeeper(hints, carp, config.onUnknownCarp(), learned);
            SyncProxy.Upstream upstream = new SyncProxy.Upstream(config.backup().xmlrpcUri(),
                    TlsContexts.client(config.backup().trust()), shared.limits().upstreamConnectTimeout(),
                    shared.limits().upstreamTimeout());
            SyncProxy proxy = new SyncProxy(upstream, shared.limits().maxBodyBytes(), gatekeeper, shared.access(),
                    shared.mode());
            proxy.setServer(shared.server());
            proxy.start();
            return new PairRuntime(config, hints, apiClient, carp, gatekeeper, proxy);
        } catch (Exception e) {
            apiClient.stop();
            throw e;
        }
    }

    PairConfig config() {
        return config;
    }

    SyncProxy proxy() {
        return proxy;
    }

    ItemBook learned() {
        return gatekeeper.learned();
    }

    AtomicInteger inFlight() {
        return inFlight;
    }

    /** A snapshot for the admin listener; asks the (cached) CARP view. */
    PairStatus status() {
        CarpView view = carp.current();
        return PairStatus.of(config.name(), config.path(), config.backup().url(), view, hints.all(),
                gatekeeper.learned().all());
    }

    /** Same pair and backup: what an earlier runtime learned still holds. */
    boolean sameBackupAs(PairConfig other) {
        return config.name().equals(other.name()) && config.backup().url().equals(other.backup().url());
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            apiClient.stop();
        }
    }
}
