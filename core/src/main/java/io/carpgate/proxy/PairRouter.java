package io.carpgate.proxy;

import io.carpgate.config.Access;
import io.carpgate.observe.Exchange;
import io.carpgate.observe.ExchangeListener;
import io.carpgate.observe.PairStatus;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import io.carpgate.observe.Logs;

/**
 * Begins each request's {@link Exchange} and sends the request to the pair whose path prefix it starts with
 * (the longest wins; a pair at "/" takes the rest). A reload swaps the whole set at once: each retired pair
 * drains through its own Jetty {@code GracefulHandler} (calls in flight finish, at the latest by a
 * deadline) and is then closed.
 */
final class PairRouter extends Handler.Abstract {
    private final Logger log;
    /** The console lines a client can make this router write: each at most once a minute, then counted. */
    private final io.carpgate.observe.RepeatedLine rejected;
    private final io.carpgate.observe.RepeatedLine badTarget;
    /**
     * A request that picked a pair just before a swap reaches that pair's handler within this; only then is
     * the retired pair shut (a shut GracefulHandler answers 503, which a master must never see for a reload).
     */
    private static final Duration SWAP_SETTLE = Duration.ofSeconds(1);

    private final AtomicReference<Routes> routes;
    private final Set<PairRuntime> retiring = ConcurrentHashMap.newKeySet();
    private final Scheduler scheduler;
    private final Executor executor;
    private final ExchangeListener listener;

    /** The pairs longest path first, and who may connect. */
    record Routes(List<PairRuntime> pairs, Access access) {
        Routes {
            pairs = pairs.stream()
                    .sorted(Comparator.comparingInt((PairRuntime p) -> p.config().path().length()).reversed())
                    .toList();
        }

        Optional<PairRuntime> match(String path) {
            return pairs.stream().filter(p -> under(path, p.config().path())).findFirst();
        }

        private static boolean under(String path, String prefix) {
            return "/".equals(prefix) || path.startsWith(prefix + "/");
        }
    }

    /**
     * @param scheduler and {@code executor}: the server's own, for draining retired pairs
     */
    PairRouter(Routes initial, Scheduler scheduler, Executor executor, ExchangeListener listener, Logs logs) {
        this.log = logs.of(PairRouter.class);
        this.rejected = new io.carpgate.observe.RepeatedLine(logs.of(AccessGuard.class));
        this.badTarget = new io.carpgate.observe.RepeatedLine(log);
        this.routes = new AtomicReference<>(initial);
        this.scheduler = scheduler;
        this.executor = executor;
        this.listener = listener;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Exchange exchange = Exchange.begin(request, listener);
        String path = Optional.ofNullable(request.getHttpURI().getPath()).orElse("/");
        Optional<String> badTarget = RequestTarget.rejection(path, Optional.ofNullable(request.getHttpURI().getQuery()));
        if (badTarget.isPresent()) {
            return rejectTarget(request, response, callback, routes.get().access(), badTarget.get());
        }
        // A retired pair declines (DrainingPair) and the routes are looked up again: by then the reload has put
        // the new set in place. A few looks at most; only reloads in a tight loop could exhaust them.
        for (int look = 0; look < 3; look++) {
            Routes current = routes.get();
            Optional<PairRuntime> pair = current.match(path);
            if (pair.isEmpty()) {
                return noPair(request, response, callback, current.access());
            }
            exchange.pair(pair.get().config().name());
            if (pair.get().handler().handle(request, response, callback)) {
                return true;
            }
        }
        String reloading = "carpgate is reloading its configuration; try again";
        exchange.decided(List.of(Rejections.reloading(reloading)), false);
        OwnAnswers.rejected(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, -32500, reloading);
        return true;
    }

    /** A path or query with more than one reading: a stranger still learns nothing (403), others get 400 and why. */
    private boolean rejectTarget(Request request, Response response, Callback callback, Access access,
                                        String why) {
        Optional<String> rejection = AccessCheck.rejection(request, access);
        if (rejection.isPresent()) {
            AccessGuard.reject(request, response, callback, rejection.get(), rejected);
            return true;
        }
        String client = Request.getRemoteAddr(request);
        badTarget.warn(client, "rejected a request from " + client + ": " + io.carpgate.observe.LogText.oneLine(why));
        Exchange.of(request).decided(java.util.List.of(Rejections.badTarget(why)), false);
        OwnAnswers.closeAfterAnswer(response);
        OwnAnswers.rejected(response, callback, HttpStatus.BAD_REQUEST_400, -32600, why);
        return true;
    }

    /** No pair at this path: a stranger still learns nothing (403), an allowed client gets 404. */
    private boolean noPair(Request request, Response response, Callback callback, Access access) {
        Optional<String> rejection = AccessCheck.rejection(request, access);
        if (rejection.isPresent()) {
            AccessGuard.reject(request, response, callback, rejection.get(), rejected);
        } else {
            OwnAnswers.closeAfterAnswer(response);
            OwnAnswers.notFound(request, response, callback);
        }
        return true;
    }

    /** Puts a new set of pairs in place; the old ones drain and are closed, at the latest after {@code grace}. */
    void replace(Routes next, Duration grace) {
        Routes old = routes.getAndSet(next);
        old.pairs().stream().filter(p -> !next.pairs().contains(p)).forEach(p -> retire(p, grace));
    }

    private void retire(PairRuntime pair, Duration grace) {
        retiring.add(pair);
        scheduler.schedule(() -> pair.handler().shutdown()
                        .orTimeout(grace.toMillis(), TimeUnit.MILLISECONDS)
                        .whenCompleteAsync((done, late) -> {
                            if (late != null) {
                                log.warn("pair {}: calls of the previous configuration still in flight after {} s are "
                                        + "cut off", pair.config().name(), grace.toSeconds());
                            }
                            if (retiring.remove(pair)) {
                                closeQuietly(pair);
                            }
                        }, executor),
                SWAP_SETTLE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A connection from an allowed address was accepted: each pair's CARP reading is brought up to date in the
     * background unless it is fresh or a read is on its way ({@code CarpCache.refresh}: one read in flight, the cache
     * period, failures remembered), so a client, whatever it sends, drives no more API reads than the cache allows;
     * and a connection to each backup is opened unless one is ready.
     */
    void prepare() {
        routes.get().pairs().forEach(PairRuntime::prepare);
    }

    List<PairStatus> statuses() {
        return routes.get().pairs().stream()
                .sorted(Comparator.comparing((PairRuntime p) -> p.config().path()))
                .map(PairRuntime::status).toList();
    }

    Routes routes() {
        return routes.get();
    }

    static void closeQuietly(PairRuntime pair) {
        try {
            pair.close();
        } catch (Exception e) {
            pair.logs().of(PairRouter.class).warn("closing the previous runtime of pair {} failed: {}", pair.config().name(), e.toString());
        }
    }

    @Override
    protected void doStop() throws Exception {
        routes.get().pairs().forEach(PairRouter::closeQuietly);
        retiring.forEach(PairRouter::closeQuietly);
        retiring.clear();
        super.doStop();
    }
}
