package io.carpgate.warmup;

import io.carpgate.carp.BackupApiClient;
import io.carpgate.config.Access;
import io.carpgate.config.Mode;
import io.carpgate.config.UpstreamTrust;
import io.carpgate.policy.OnUnknownCarp;
import io.carpgate.proxy.Gatekeeper;
import io.carpgate.proxy.SyncProxy;
import io.carpgate.tls.Fingerprint;
import io.carpgate.tls.TlsContexts;
import java.net.URI;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The start-up warm-up: before carpgate listens, a few rounds of a sync go through the same code a
 * master's calls take (the listener's TLS with carpgate's own certificate and suites, Jetty, reading,
 * the gate, the CARP API client, patching, forwarding over a pinned TLS connection), so the first real
 * calls do not pay for class loading, first-time initialisation and interpreted code.
 *
 * <p>Everything is private to the warm-up and on loopback: its own listener and a {@link StandInBackup}
 * on ports the system picks, its own proxy, gate and API client. No backup is contacted, and nothing
 * reaches the access log, the decision log, the metrics or the status page (they hang off the real
 * listener only). A failure never stops carpgate: it then starts cold and says why.
 */
public final class Warmup {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long MAX_BODY = 1024 * 1024;

    /**
     * How much warm-up: {@code before} rounds of the four calls before carpgate listens, {@code after} more in
     * the background, none begun after {@code budget}.
     */
    public record Plan(int before, int after, Duration budget) {
        /**
         * One round before listening takes the first call from about 150 to about 75 ms for some 0.4 s more
         * start-up; the rest leave the JIT compilers warm within seconds: a sync that comes later is served
         * about as fast as by a long-running carpgate (BENCHMARKS.md, "Cold start").
         */
        public static final Plan DEFAULT = new Plan(1, 60, Duration.ofSeconds(60));
    }

    /**
     * @param calls calls made; {@code problem} says what went wrong, if anything (carpgate starts anyway)
     */
    public record Result(int calls, Duration took, Optional<String> problem) {
        public String describe() {
            return "warm-up: " + calls + " calls over loopback through TLS, reading, gate, patch and forwarding in "
                    + took.toMillis() + " ms (no backup contacted)"
                    + problem.map(p -> "; stopped early: " + p).orElse("");
        }
    }

    private Warmup() {}

    /**
     * Runs {@code plan.before()} rounds now, then {@code plan.after()} more on a daemon thread of its own
     * (the caller meanwhile goes on starting and may already listen).
     *
     * @param keyStore the listener's certificate and key, as the real listener uses them
     * @param certificate their fingerprint: the warm-up's proxy pins its stand-in backup, which presents the same pair
     * @param report gets the result once all rounds are done
     */
    public static void start(KeyStore keyStore, char[] password, Fingerprint certificate, Plan plan,
                             java.util.function.Consumer<Result> report) {
        Rig rig;
        try {
            rig = Rig.start(keyStore, password, certificate);
        } catch (Exception e) {
            report.accept(new Result(0, Duration.ZERO, Optional.of(e.toString())));
            return;
        }
        long start = System.nanoTime();
        int[] calls = {0};
        Optional<String> problem = rounds(rig, plan.before(), start + plan.budget().toNanos(), calls);
        if (problem.isPresent() || plan.after() == 0) {
            rig.close();
            report.accept(new Result(calls[0], Duration.ofNanos(System.nanoTime() - start), problem));
            return;
        }
        Thread later = new Thread(() -> {
            Optional<String> late = rounds(rig, plan.after(), start + plan.budget().toNanos(), calls);
            rig.close();
            report.accept(new Result(calls[0], Duration.ofNanos(System.nanoTime() - start), late));
        }, "carpgate-warmup");
        later.setDaemon(true);
        later.start();
    }

    private static Optional<String> rounds(Rig rig, int rounds, long deadline, int[] calls) {
        try {
            for (int round = 0; round < rounds && System.nanoTime() < deadline; round++) {
                for (WarmupCalls.Call call : WarmupCalls.all()) {
                    String answer = rig.master.call(call.body());
                    calls[0]++;
                    if (!answer.startsWith("HTTP/1.1 200") || !call.expected().test(answer)) {
                        return Optional.of(call.name() + " was not answered as expected");
                    }
                }
            }
            return Optional.empty();
        } catch (Exception e) {
            return Optional.of(e.toString());
        }
    }

    /** The warm-up's own listener, proxy, gate and API client, and the stand-in backup they talk to. */
    private record Rig(Server server, HttpClient api, WarmupClient master) {
        static Rig start(KeyStore keyStore, char[] password, Fingerprint certificate) throws Exception {
            QueuedThreadPool threads = new QueuedThreadPool(16, 2);
            threads.setName("carpgate-warmup");
            threads.setDaemon(true);
            Server server = new Server(threads);
            HttpClient api = null;
            try {
                SslContextFactory.Server tls = TlsContexts.server(keyStore, password);
                ServerConnector listener = connector(server, tls);
                ServerConnector backup = connector(server, tls);
                backup.open(); // its port names the proxy's upstream
                URI backupUrl = URI.create("https://127.0.0.1:" + backup.getLocalPort());
                UpstreamTrust pin = new UpstreamTrust.Pin(certificate);
                api = BackupApiClient.newHttpClient(TlsContexts.client(pin));
                // A zero cache: every call that needs the CARP view asks the (stand-in) API, so that path runs too.
                BackupApiClient carp = new BackupApiClient(api, backupUrl, "warmup", "warmup", TIMEOUT, Duration.ZERO,
                        Clock.systemUTC());
                SyncProxy proxy = new SyncProxy(new SyncProxy.Upstream(backupUrl.resolve("/xmlrpc.php"),
                        TlsContexts.client(pin), TIMEOUT, TIMEOUT), MAX_BODY,
                        new Gatekeeper(WarmupCalls.hints(), carp, OnUnknownCarp.SUPPRESS), Access.loopbackOnly(),
                        Mode.ENFORCE);
                server.setHandler(new Handler.Sequence(only(backup, new StandInBackup()), proxy));
                server.start();
                return new Rig(server, api, new WarmupClient(listener.getLocalPort()));
            } catch (Exception e) {
                stopQuietly(server, api);
                throw e;
            }
        }

        void close() {
            stopQuietly(server, api);
        }
    }

    /** HTTP/1.1 over TLS as the real listener is set up: no SNI needed or checked, no server version. */
    static ServerConnector connector(Server server, SslContextFactory.Server tls) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        secure.setSniRequired(false);
        http.addCustomizer(secure);
        ServerConnector connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        return connector;
    }

    /** {@code handler} for requests that came in on {@code connector}; the next handler gets the others. */
    private static Handler only(ServerConnector connector, Handler handler) {
        return new Handler.Wrapper(handler) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return request.getConnectionMetaData().getConnector() == connector
                        && super.handle(request, response, callback);
            }
        };
    }

    private static void stopQuietly(Server server, HttpClient api) {
        try {
            server.stop();
        } catch (Exception e) {
            // nothing to do: its threads are daemons and its ports loopback-only
        }
        try {
            if (api != null) {
                api.stop();
            }
        } catch (Exception e) {
            // as above
        }
    }
}
