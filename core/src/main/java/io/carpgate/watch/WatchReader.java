package io.carpgate.watch;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * Reads the backup's network from its API: three GETs in parallel, asynchronously. Only GET, and only endpoints
 * that change nothing (each is a {@code netstat} run by configd). Reasons never contain the secret or a body.
 */
public final class WatchReader {
    static final String INTERFACES = "/api/diagnostics/interface/get_interface_statistics";
    static final String BPF = "/api/diagnostics/interface/get_bpf_statistics";
    static final String ROUTES = "/api/diagnostics/interface/get_routes";
    /** Every path the watch ever asks, for the test that it never writes. */
    public static final List<String> PATHS = List.of(INTERFACES, BPF, ROUTES);
    private static final Map<String, String> PRIVILEGE = Map.of(INTERFACES, "Diagnostics: Netstat",
            BPF, "Diagnostics: Netstat", ROUTES, "Diagnostics: Routing tables");
    private static final int MAX_ANSWER = 4 * 1024 * 1024;
    private static final Duration GRACE = Duration.ofSeconds(1);

    private final HttpClient http;
    private final URI backup;
    private final String authorization;
    private final Duration timeout;
    private final WatchJson json = new WatchJson();

    public WatchReader(HttpClient http, URI backup, String apiKey, String apiSecret, Duration timeout) {
        this.http = http;
        this.backup = backup;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((apiKey + ":" + apiSecret).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
    }

    /** What a read found: the network, or why not. */
    public sealed interface Answer {
        /** @param routesUnread why the routing table was not read (the conflicts are then named without it) */
        record Read(BackupNetwork network, Optional<String> routesUnread) implements Answer {
            public Read(BackupNetwork network) {
                this(network, Optional.empty());
            }
        }

        record Failed(String reason) implements Answer {}
    }

    public Duration maxWait() {
        return timeout.plus(GRACE);
    }

    /** Starts one read; the future never completes exceptionally and completes within {@link #maxWait()}. */
    public CompletableFuture<Answer> read() {
        CompletableFuture<ContentResponse> interfaces = send(INTERFACES);
        CompletableFuture<ContentResponse> bpf = send(BPF);
        CompletableFuture<ContentResponse> routes = send(ROUTES);
        return CompletableFuture.allOf(interfaces, bpf, routes).handle((done, failure) -> combine(interfaces, bpf, routes))
                .completeOnTimeout(new Answer.Failed(noAnswer()), maxWait().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((answer, failure) -> List.of(interfaces, bpf, routes).forEach(f -> f.cancel(true)));
    }

    /** Reads once and waits for the answer (for {@code check}). */
    public Answer readNow() {
        return read().join();
    }

    private Answer combine(CompletableFuture<ContentResponse> interfaces, CompletableFuture<ContentResponse> bpf,
                           CompletableFuture<ContentResponse> routes) {
        try {
            Map<String, Boolean> up = new HashMap<>();
            Map<String, String> addresses = new HashMap<>();
            json.interfaces(body(INTERFACES, interfaces), up, addresses);
            Optional<Set<String>> relays;
            ContentResponse bpfAnswer = bpf.getNow(null);
            if (bpfAnswer != null && bpfAnswer.getStatus() == 403) {
                // 25.7 and 26.1 before 26.1.9: Diagnostics: Netstat does not cover get_bpf_statistics (OPNsense added
                // it then) and no other read-only privilege does. The relays are then not judged; the rest is.
                relays = Optional.empty();
            } else {
                relays = Optional.of(json.relayDevices(body(BPF, bpf)));
            }
            List<Route> table;
            Optional<String> routesUnread = Optional.empty();
            try {
                table = json.routes(body(ROUTES, routes));
            } catch (Refused | WatchJson.BadAnswer e) {
                if (e.getMessage().contains("HTTP 40")) {
                    throw e; // the key or its privileges: the admin's to fix, said as for the other reads
                }
                // The routes only name what a conflict's tunnel draws in; a table too large to read (a BGP feed
                // passes 4 MiB) must not blind the watch to what is up.
                table = List.of();
                routesUnread = Optional.of(e.getMessage());
            }
            return new Answer.Read(new BackupNetwork(up, addresses, table, relays), routesUnread);
        } catch (Refused e) {
            return new Answer.Failed(e.getMessage());
        } catch (WatchJson.BadAnswer e) {
            return new Answer.Failed("backup API answer " + e.getMessage());
        }
    }

    private byte[] body(String path, CompletableFuture<ContentResponse> sent) throws Refused, WatchJson.BadAnswer {
        ContentResponse response;
        try {
            response = sent.getNow(null);
        } catch (RuntimeException e) {
            throw new Refused(describe(e));
        }
        if (response == null) {
            throw new Refused(noAnswer());
        }
        int status = response.getStatus();
        if (status == 401) {
            throw new Refused("backup API refused the credentials (HTTP 401) for " + path);
        }
        if (status == 403) {
            throw new Refused("the API key may not read " + path + " (HTTP 403): give its user the privilege '"
                    + PRIVILEGE.get(path) + "'");
        }
        if (status != 200) {
            throw new Refused("backup API answered HTTP " + status + " for " + path);
        }
        byte[] content = response.getContent();
        if (content.length == 0) {
            throw new WatchJson.BadAnswer("for " + path + " is empty");
        }
        return content;
    }

    private CompletableFuture<ContentResponse> send(String path) {
        Request request = http.newRequest(backup.resolve(path))
                .method(HttpMethod.GET)
                .headers(h -> h.put(HttpHeader.AUTHORIZATION, authorization).put(HttpHeader.ACCEPT, "application/json"))
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new CompletableResponseListener(request, MAX_ANSWER).send();
    }

    private String describe(Throwable cause) {
        return io.carpgate.carp.BackupApiClient.describe(cause, backup, timeout);
    }

    private String noAnswer() {
        return io.carpgate.carp.BackupApiClient.noAnswer(backup, timeout);
    }

    private static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }
}
