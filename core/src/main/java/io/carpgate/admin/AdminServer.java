package io.carpgate.admin;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.observe.ConnectionDrop;
import io.carpgate.observe.Logs;
import io.carpgate.observe.Metrics;
import io.carpgate.observe.Overview;
import io.carpgate.observe.PairStatus;
import io.carpgate.observe.RecentDecisions;
import io.carpgate.proxy.ListenerGuards;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The admin listener, apart from the sync port: {@code /metrics} (Prometheus text), {@code /healthz}
 * (the process answers), {@code /readyz} (every pair's backup API answers) and {@code /}, a read-only
 * status page. Plain HTTP, read-only, GET only; it shows names, uuids and states, never a secret.
 */
public final class AdminServer implements AutoCloseable {
    /**
     * What one client may hold of the admin listener. Prometheus keeps one or two connections, a browser six per
     * host, and behind an SSH tunnel or a reverse proxy all of them come from one address; a request is a GET of a few
     * hundred bytes, sent at once. So: 64 connections in all, 16 per address (one address cannot take them all, and a
     * browser beside a scraper on the same host still fits), 10 s for a request to arrive (headers are never trickled
     * by a real client) and 10 s idle (a scraper that keeps its connection longer simply opens a new one).
     */
    static final ListenerGuards.Limits LIMITS = new ListenerGuards.Limits(64, 16, Duration.ofSeconds(10),
            ConnectionDrop.ADMIN_PER_CLIENT_LIMIT, ConnectionDrop.ADMIN_REQUEST_READ_TIMEOUT);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);

    private final Server server;
    private final ServerConnector connector;

    private AdminServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** @param hostNames the Host names answered besides {@code listen}'s own address ({@code admin.hosts}) */
    public static AdminServer start(CarpgateConfig.Listen listen, List<String> hostNames, Metrics metrics,
                                    Supplier<List<PairStatus>> pairs, RecentDecisions recent,
                                    Supplier<Overview> overview, Logs logs) throws Exception {
        return start(listen, hostNames, metrics, pairs, recent, overview, logs, LIMITS, IDLE_TIMEOUT);
    }

    /** The same with other limits (tests: a short deadline, so that they need not wait out 10 s). */
    static AdminServer start(CarpgateConfig.Listen listen, List<String> hostNames, Metrics metrics,
                             Supplier<List<PairStatus>> pairs, RecentDecisions recent, Supplier<Overview> overview,
                             Logs logs, ListenerGuards.Limits limits, Duration idleTimeout) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("carpgate-admin");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(listen.host());
        connector.setPort(listen.port());
        connector.setIdleTimeout(idleTimeout.toMillis());
        ListenerGuards.guard(server, connector, limits, metrics, logs);
        server.addConnector(connector);
        server.setHandler(new Endpoints(new AdminHosts(listen.host(), hostNames), metrics, pairs, recent, overview,
                Clock.systemDefaultZone()));
        server.start();
        return new AdminServer(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        org.eclipse.jetty.util.component.LifeCycle.stop(server);
    }

    private static final class Endpoints extends Handler.Abstract {
        private final AdminHosts hosts;
        private final Metrics metrics;
        private final Supplier<List<PairStatus>> pairs;
        private final RecentDecisions recent;
        private final Supplier<Overview> overview;
        private final Clock clock;

        Endpoints(AdminHosts hosts, Metrics metrics, Supplier<List<PairStatus>> pairs, RecentDecisions recent,
                  Supplier<Overview> overview, Clock clock) {
            this.hosts = hosts;
            this.metrics = metrics;
            this.pairs = pairs;
            this.recent = recent;
            this.overview = overview;
            this.clock = clock;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            boolean get = HttpMethod.GET.is(request.getMethod()) || HttpMethod.HEAD.is(request.getMethod());
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            response.getHeaders().put(HttpHeader.CONNECTION, "close"); // every answer, errors too: see send()
            if (!hosts.answers(java.util.Optional.ofNullable(request.getHeaders().get(HttpHeader.HOST)))) {
                // 421: this server does not answer for that name (a DNS-rebinding page's), rather than 403, which
                // would say the client lacks a permission it could get.
                send(response, callback, HttpStatus.MISDIRECTED_REQUEST_421, "text/plain; charset=utf-8",
                        ("421 Misdirected Request: this admin listener answers only its own names; add the name to "
                                + "admin.hosts to use it\n").getBytes(StandardCharsets.UTF_8));
                return true;
            }
            if (!List.of("/", "/metrics", "/healthz", "/readyz").contains(path)) {
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                return true;
            }
            if (!get) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
                return true;
            }
            switch (path) {
                case "/metrics" -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    metrics.write(out);
                    send(response, callback, HttpStatus.OK_200, metrics.contentType(), out.toByteArray());
                }
                case "/healthz" -> send(response, callback, HttpStatus.OK_200, "text/plain; charset=utf-8",
                        "ok\n".getBytes(StandardCharsets.UTF_8));
                case "/readyz" -> {
                    Readiness readiness = Readiness.of(pairs.get(), overview.get().logProblems());
                    send(response, callback, readiness.ready() ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503,
                            "text/plain; charset=utf-8", readiness.text().getBytes(StandardCharsets.UTF_8));
                }
                default -> {
                    response.getHeaders().put("Content-Security-Policy",
                            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
                    send(response, callback, HttpStatus.OK_200, "text/html; charset=utf-8",
                            StatusPage.render(overview.get(), pairs.get(), recent.newestFirst(), clock).getBytes(StandardCharsets.UTF_8));
                }
            }
            return true;
        }

        private static void send(Response response, Callback callback, int status, String type, byte[] body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            // One request a connection: a client that keeps asking cannot keep its connections (and the 64) for good;
            // a scrape or a page view costs a new TCP connection on a plain-HTTP listener, nothing more.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }
}
