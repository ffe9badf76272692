package io.carpgate.proxy;

import io.carpgate.config.Access;
import io.carpgate.observe.Exchange;
import io.carpgate.observe.PairStatus;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each request to the pair whose path prefix it starts with (the longest wins; a pair at "/" takes
 * the rest). A reload swaps the whole set at once: requests already inside an old pair finish there, and
 * the old pair is closed when its last request is done (or its upstream timeout has passed).
 */
final class PairRouter extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(PairRouter.class);
    private static final Duration RETIRE_POLL = Duration.ofMillis(200);

    private final AtomicReference<Routes> routes;
    private final java.util.Set<PairRuntime> retiring = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The server's own scheduler polls retiring pairs. */
    private final Scheduler scheduler;

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

    PairRouter(Routes initial, Scheduler scheduler) {
        this.routes = new AtomicReference<>(initial);
        this.scheduler = scheduler;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.BLOCKING;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Exchange exchange = Exchange.begin(request);
        Routes current = routes.get();
        String path = Optional.ofNullable(request.getHttpURI().getPath()).orElse("/");
        Optional<PairRuntime> pair = current.match(path);
        if (pair.isEmpty()) {
            return noPair(request, response, callback, current.access());
        }
        PairRuntime runtime = pair.get();
        exchange.pair(runtime.config().name());
        runtime.inFlight().incrementAndGet();
        Callback leaving = Callback.from(callback.getInvocationType(),
                () -> {
                    runtime.inFlight().decrementAndGet();
                    callback.succeeded();
                },
                failure -> {
                    runtime.inFlight().decrementAndGet();
                    callback.failed(failure);
                });
        try {
            boolean handled = runtime.proxy().handle(request, response, leaving);
            if (!handled) {
                runtime.inFlight().decrementAndGet();
            }
            return handled;
        } catch (Exception | Error e) {
            runtime.inFlight().decrementAndGet();
            throw e;
        }
    }

    /** No pair at this path: a stranger still learns nothing (403), an allowed client gets 404. */
    private static boolean noPair(Request request, Response response, Callback callback, Access access) {
        Optional<String> refusal = AccessCheck.refusal(request, access);
        SyncProxy.closeAfterAnswer(response);
        if (refusal.isPresent()) {
            Exchange.of(request).ifPresent(e -> e.decided(List.of(Rejections.notAllowed(refusal.get()))));
            SyncProxy.answerFault(request, response, callback, HttpStatus.FORBIDDEN_403, -32600,
                    "carpgate refused the request, nothing was sent to the backup: " + refusal.get());
        } else {
            Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
        }
        return true;
    }

    /** Puts a new set of pairs in place; the old ones are closed once idle, at the latest after {@code grace}. */
    void replace(Routes next, Duration grace) {
        Routes old = routes.getAndSet(next);
        old.pairs().stream().filter(p -> !next.pairs().contains(p))
                .forEach(p -> {
                    retiring.add(p);
                    retire(p, System.nanoTime() + grace.toNanos());
                });
    }

    List<PairStatus> statuses() {
        return routes.get().pairs().stream()
                .sorted(Comparator.comparing((PairRuntime p) -> p.config().path()))
                .map(PairRuntime::status).toList();
    }

    Routes routes() {
        return routes.get();
    }

    private void retire(PairRuntime pair, long deadlineNanos) {
        if (pair.inFlight().get() > 0 && System.nanoTime() < deadlineNanos && isRunning()) {
            scheduler.schedule(() -> retire(pair, deadlineNanos), RETIRE_POLL.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        if (retiring.remove(pair)) {
            closeQuietly(pair);
        }
    }

    static void closeQuietly(PairRuntime pair) {
        try {
            pair.close();
        } catch (Exception e) {
            LOG.warn("closing the previous runtime of pair {} failed: {}", pair.config().name(), e.toString());
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
