package io.carpgate.sim;

import io.carpgate.carp.CarpStatus;
import io.carpgate.tls.Fingerprint;
import io.carpgate.tls.SelfSigned;
import java.net.URI;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process OPNsense backup over HTTPS on 127.0.0.1: {@code /xmlrpc.php} as xmlrpc.php + IXR answer
 * it, and the two CARP API endpoints. It records what it received and what it did with WireGuard instances,
 * OpenVPN instances and DHCP relays, so end-to-end tests (and the demo) can show whether an item came up on a
 * CARP BACKUP node, and whether it comes up once the node is MASTER. It behaves as OPNsense 25.7.11, 26.1.11 or
 * 26.7.2 ({@link Options#withRelease}, default the newest), whose own code it follows (docs/PROTOCOL.md).
 */
public final class SimulatedBackup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedBackup.class);
    private static final char[] KEYSTORE_PASSWORD = "in-memory".toCharArray(); // never written anywhere

    /** How the simulated backup is set up; start from {@link #defaults()} and use the withers. */
    public record Options(String xmlRpcUser, String xmlRpcPassword, String apiKey, String apiSecret,
                          List<SimVip> vips, List<SimService> services, int maxBody, boolean recording,
                          OpnsenseRelease release, CallDelay callDelay, java.time.Duration authFailureDelay,
                          boolean refuseOwnAddress, boolean apiPrivileged) {
        /** Bodies larger than this get HTTP 413, unless raised with {@link #withMaxBody(int)}. */
        public static final int DEFAULT_MAX_BODY = 16 * 1024 * 1024;
        /**
         * What a failed login costs in the simulator by default, per authentication backend tried. OPNsense's
         * {@code Auth\Base::authenticate()} pads a failure to 2 s ({@link #REAL_AUTH_FAILURE_DELAY}); tests keep
         * it small so they stay fast, and one test shows a configured delay is honoured.
         */
        public static final java.time.Duration DEFAULT_AUTH_FAILURE_DELAY = java.time.Duration.ofMillis(20);
        public static final java.time.Duration REAL_AUTH_FAILURE_DELAY = java.time.Duration.ofSeconds(2);

        public Options {
            vips = List.copyOf(vips);
            services = List.copyOf(services);
            if (maxBody < 1) {
                throw new IllegalArgumentException("maxBody must be positive");
            }
            if (authFailureDelay.isNegative()) {
                throw new IllegalArgumentException("delays must not be negative");
            }
        }

        /**
         * root/sync-password, the two VIPs of the fixtures (WAN2 VHID 7 and LAN VHID 2), the services of a small
         * install (core's six, ntpd, pf, unbound, webgui), the newest release checked, no per-call delay.
         */
        public static Options defaults() {
            return new Options("root", "sync-password", "sim-api-key", "sim-api-secret",
                    List.of(new SimVip("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "opt2", "WAN2", 7,
                                    "198.51.100.5", 28, "WAN2 CARP"),
                            new SimVip("0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f", "lan", "LAN", 2,
                                    "192.168.1.1", 24, "LAN CARP")),
                    SimService.SMALL_INSTALL, DEFAULT_MAX_BODY, true, OpnsenseRelease.NEWEST,
                    CallDelay.NONE, DEFAULT_AUTH_FAILURE_DELAY, false, true);
        }

        public Options withXmlRpcCredentials(String user, String password) {
            return new Options(user, password, apiKey, apiSecret, vips, services, maxBody, recording, release,
                    callDelay, authFailureDelay, refuseOwnAddress, apiPrivileged);
        }

        public Options withApiCredentials(String key, String secret) {
            return new Options(xmlRpcUser, xmlRpcPassword, key, secret, vips, services, maxBody, recording, release,
                    callDelay, authFailureDelay, refuseOwnAddress, apiPrivileged);
        }

        public Options withVips(List<SimVip> newVips) {
            return new Options(xmlRpcUser, xmlRpcPassword, apiKey, apiSecret, newVips, services, maxBody, recording,
                    release, callDelay, authFailureDelay, refuseOwnAddress, apiPrivileged);
        }

        /** The other plugins' services, in {@code plugins_scan()} order (the items' own are added by the backup). */
        public Options withServices(List<SimService> newServices) {
            return new Options(xmlRpcUser, xmlRpcPassword, apiKey, apiSecret, vips, newServices, maxBody, recording,
                    release, callDelay, authFailureDelay, refuseOwnAddress, apiPrivileged);
        }

        /** For large syncs (the benchmark sends 64 MiB restores). */
        public Options withMaxBody(int newMaxBody) {
            return new Options(xmlRpcUser, xmlRpcPassword, apiKey, apiSecret, vips, services, newMaxBody, recording,
                    release, callDelay, authFailureDelay, refuseOwnAddress, apiPrivileged);
        }

        /**
         * Keep no {@link SimulatedBackup#received() received} calls. Each one holds its body, so a long run of
         * tens-of-MiB restores (the benchmark) would otherwise grow the heap by every body it ever saw.
         */
        public Options withoutRecording() {
            return new Options(xmlRpcUser, xmlRpcPassword, apiKey, apiSecret, vips, services, maxBody, false,
                    release, callDelay, authFailureDelay, refuseOwnAddress, apiPrivileged);
        }

        /** The OPNsense release the backup behaves as (default {@link OpnsenseRelease#NEWEST}). */
        public Options withRelease(OpnsenseRelease newRelease) {
            return new Options(xmlRpcUser, xmlRpcPassword, apiKey, apiSecret, vips, services, maxBody, recording,
                    newRelease, callDelay, authFailureDelay, refuseOwnAddress, apiPrivileged);
        }

        /**
         * How long each XML-RPC and API call takes before it is answered, by call and body size (default
         * {@link CallDelay#NONE}); added to (not instead of) {@link SimulatedBackup#setXmlRpcDelay} and a failed
         * login's delay. A real backup takes 50-500 ms a call.
         */
        public Options withCallDelay(CallDelay byCall) {
            return new Options(xmlRpcUser, xmlRpcPassword, apiKey, apiSecret, vips, services, maxBody, recording,
                    release, byCall, authFailureDelay, refuseOwnAddress, apiPrivileged);
        }

        /** Every XML-RPC and API call takes {@code delay} ({@link CallDelay#constant}). */
        public Options withCallDelay(java.time.Duration delay) {
            return withCallDelay(CallDelay.constant(delay));
        }

        /**
         * What a failed login costs, per authentication backend tried (xmlrpc.php tries "Local Database" then
         * "Local API", so a wrong password is answered after twice this; the API tries one).
         */
        public Options withAuthFailureDelay(java.time.Duration delay) {
            return new Options(xmlRpcUser, xmlRpcPassword, apiKey, apiSecret, vips, services, maxBody, recording,
                    release, callDelay, delay, refuseOwnAddress, apiPrivileged);
        }

        /**
         * xmlrpc.php refuses a call whose source address is the backup's own ({@code SERVER_ADDR ==
         * REMOTE_ADDR}). Off by default: on loopback every test client shares the simulator's address.
         */
        public Options refusingOwnAddress() {
            return new Options(xmlRpcUser, xmlRpcPassword, apiKey, apiSecret, vips, services, maxBody, recording,
                    release, callDelay, authFailureDelay, true, apiPrivileged);
        }

        /**
         * The API key's user lacks the privileges of the two endpoints ("Interfaces: Virtual IPs: Settings" and
         * "... Status"): the API answers HTTP 403.
         */
        public Options withoutApiPrivilege() {
            return new Options(xmlRpcUser, xmlRpcPassword, apiKey, apiSecret, vips, services, maxBody, recording,
                    release, callDelay, authFailureDelay, refuseOwnAddress, false);
        }

        @Override
        public String toString() {
            return "Options[xmlRpcUser=" + xmlRpcUser + ", apiKey=" + apiKey + ", vips=" + vips
                    + ", services=" + services + ", maxBody=" + maxBody + ", recording=" + recording
                    + ", release=" + release + ", callDelay=" + callDelay + "]";
        }
    }

    private final Server server;
    private final URI baseUrl;
    private final Fingerprint fingerprint;
    private final BackupState state;
    private final SimHandler handler;

    private SimulatedBackup(Server server, URI baseUrl, Fingerprint fingerprint, BackupState state,
                            SimHandler handler) {
        this.server = server;
        this.baseUrl = baseUrl;
        this.fingerprint = fingerprint;
        this.state = state;
        this.handler = handler;
    }

    public static SimulatedBackup start(Options options) {
        SelfSigned.Pair pair = SelfSigned.generate("backup.sim", List.of("127.0.0.1"));
        BackupState state = new BackupState(options.vips(), options.services(), options.release());
        SimHandler handler = new SimHandler(options, state);
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("sim-backup");
        threads.setDaemon(true);
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1,
                new SslConnectionFactory(sslContext(pair), HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(httpsConfiguration()));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(handler);
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            throw new IllegalStateException("cannot start the simulated backup", e);
        }
        URI baseUrl = URI.create("https://127.0.0.1:" + connector.getLocalPort());
        LOG.info("simulated backup listening on {} (certificate {})", baseUrl, pair.fingerprint());
        return new SimulatedBackup(server, baseUrl, pair.fingerprint(), state, handler);
    }

    private static SslContextFactory.Server sslContext(SelfSigned.Pair pair) {
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("backup", pair.keyPair().getPrivate(), KEYSTORE_PASSWORD,
                    new Certificate[] {pair.certificate()});
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(keyStore);
            ssl.setKeyStorePassword(new String(KEYSTORE_PASSWORD));
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            return ssl;
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build the simulator's key store", e);
        }
    }

    private static HttpConfiguration httpsConfiguration() {
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Clients reach us by IP literal (no SNI); the certificate names 127.0.0.1 anyway.
        secure.setSniHostCheck(false);
        config.addCustomizer(secure);
        return config;
    }

    /** e.g. {@code https://127.0.0.1:PORT}, no trailing slash. */
    public URI baseUrl() {
        return baseUrl;
    }

    public Fingerprint fingerprint() {
        return fingerprint;
    }

    /**
     * {@code iface} is the internal name ({@code opt2}) or the description ({@code WAN2}). A change runs the
     * node's CARP hooks (WireGuard, OpenVPN and DHCP relay reconfiguration), as on OPNsense. {@code DISABLED}
     * stands for a configured VIP whose VHID is on no interface (not in the kernel): the backup's scripts see no
     * live state for it.
     */
    public void setCarpStatus(int vhid, String iface, CarpStatus status) {
        state.setCarpStatus(vhid, iface, status);
    }

    /** false: every API endpoint answers HTTP 500 with a JSON error body. */
    /**
     * Calls of {@code method} are received and recorded, then wait until the returned latch is counted down
     * (at most 60 s) before the backup runs and answers them: a deterministic "slow backup" for ordering tests.
     */
    public java.util.concurrent.CountDownLatch hold(String method) {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        handler.hold(method, release);
        return release;
    }

    /** New calls are no longer held (those already waiting still wait for their latch). */
    public void unhold() {
        handler.unhold();
    }

    /** What the backup does with a call's connection once it has read the whole body, instead of answering. */
    public enum Cut { NONE, CLOSE, RESET }

    /** From now on every XML-RPC call is read whole and recorded, then its connection closed or reset (NONE: answered). */
    public void cutAfterReading(Cut cut) {
        handler.cutAfterReading(cut);

    }

    /** How long a kept-alive connection may sit unused before the backup closes it (lighttpd: 5 s by default). */
    public void setIdleTimeout(java.time.Duration idle) {
        ((ServerConnector) server.getConnectors()[0]).setIdleTimeout(idle.toMillis());
    }

    /** Connections open to the backup now (kept-alive ones included). */
    public int openConnections() {
        return ((ServerConnector) server.getConnectors()[0]).getConnectedEndPoints().size();
    }

    /** Every XML-RPC answer is delayed by this much (zero: none). */
    public void setXmlRpcDelay(java.time.Duration delay) {
        handler.setXmlRpcDelay(delay);
    }

    public void setApiAvailable(boolean available) {
        handler.setApiAvailable(available);
    }

    /** Empty when started {@link Options#withoutRecording() without recording}. */
    public List<ReceivedCall> received() {
        return handler.received();
    }

    /** The stored WireGuard instances by uuid, from the last restore_config_section. */
    public Map<String, StoredInstance> wireguardInstances() {
        return state.instances();
    }

    /** The stored OpenVPN instances by uuid, from the last restore_config_section. */
    public Map<String, StoredOpenVpnInstance> openvpnInstances() {
        return state.openvpnInstances();
    }

    /** uuids of the OpenVPN instances whose process runs. */
    public Set<String> openvpnRunning() {
        return state.openvpnRunning();
    }

    /** The stored DHCP relays by uuid, from the last restore_config_section. */
    public Map<String, StoredRelay> dhcpRelays() {
        return state.relays();
    }

    /** uuids of the DHCP relays whose dhcrelay runs. */
    public Set<String> relaysRunning() {
        return state.relaysRunning();
    }

    /** Every start/restart/stop, and what the CARP hooks did ({@code action} "carp"), in order. */
    public List<ServiceEvent> serviceEvents() {
        return state.events();
    }

    /** How many restore_config_section calls the backup has run (stored), since it started. */
    public long restoresStored() {
        return state.restoresStored();
    }

    /** uuids of the WireGuard instances whose wgN a start or restart created and configured (up or down). */
    public Set<String> wireguardConfigured() {
        return state.wireguardConfigured();
    }

    /** How many times the backup ran {@code filter reload} (wg-service-control.php does after each start/restart). */
    public long filterReloads() {
        return state.filterReloads();
    }

    /** Every WireGuard start/restart the backup ran (not the CARP hooks'), with what it held then, in order. */
    public List<WireguardStart> wireguardStarts() {
        return state.wireguardStarts();
    }

    /** uuids of the instances whose wgN is up. */
    public Set<String> wireguardUp() {
        return state.wireguardUp();
    }

    /**
     * Start pressed on the backup's own GUI (or its shell): the WireGuard or OpenVPN instance with this uuid comes
     * up whatever CARP says, with no call through carpgate. False when the backup has no such item.
     */
    public boolean startOnOwnGui(String uuid) {
        return state.startedOutsideSync(uuid);
    }

    /** The DHCP relay's process ends on the backup (killed, crashed): it stays down until its next configure. */
    public void relayProcessEnded(String uuid) {
        state.relayEnded(uuid);
    }

    /** The backup's interfaces, listeners and routes as its diagnostics API shows them (routes can be added). */
    public SimNetwork network() {
        return state.network();
    }

    /** Forgets received calls and service events; config, instances, CARP states and wg state stay. */
    public void reset() {
        handler.reset();
        state.resetRecordings();
    }

    @Override
    public void close() {
        stopQuietly(server);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("simulated backup did not stop cleanly: {}", e.toString());
        }
    }

    /** The node's CARP VIPs now: those of the options, until a restore brings the master's. */
    public List<SimVip> vips() {
        return state.vips();
    }

    /** The CARP status currently simulated for a VHID on an interface (internal name or description). */
    public Optional<CarpStatus> carpStatus(int vhid, String iface) {
        return state.vips().stream()
                .filter(v -> v.vhid() == vhid)
                .filter(v -> v.iface().equalsIgnoreCase(iface) || v.ifaceDescription().equalsIgnoreCase(iface))
                .findFirst()
                .map(state::statusOf);
    }
}
