package io.carpgate.carp;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * The backup's CARP view from its REST API: both endpoints fetched in parallel, the result cached for
 * {@code cacheTtl}. Only successful views are cached, so a recovering API is used at the next call;
 * failures cost at most {@code timeout} per call. Reasons never contain the secret or a response body.
 */
public final class BackupApiClient implements CarpSource {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BackupApiClient.class);
    static final String VIP_STATUS = "/api/diagnostics/interface/get_vip_status";
    static final String VIP_SETTINGS = "/api/interfaces/vip_settings/search_item";
    private static final String REFUSED = "backup API refused the credentials (HTTP 401)";
    private static final int MAX_ANSWER = 4 * 1024 * 1024;

    private final HttpClient httpClient;
    private final URI backupBaseUrl;
    private final String authorization;
    private final Duration timeout;
    private final Duration cacheTtl;
    private final Clock clock;
    private final BackupApiJson json = new BackupApiJson();
    private final Object lock = new Object();
    private Optional<CarpView.Known> cached = Optional.empty();

    public BackupApiClient(HttpClient httpClient, URI backupBaseUrl, String apiKey, String apiSecret,
                           Duration timeout, Duration cacheTtl, Clock clock) {
        this.httpClient = httpClient;
        this.backupBaseUrl = backupBaseUrl;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((apiKey + ":" + apiSecret).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.cacheTtl = cacheTtl;
        this.clock = clock;
    }

    /** The HTTP client the API calls go through: redirects off, TLS trusting the backup as configured. */
    public static HttpClient newHttpClient(org.eclipse.jetty.util.ssl.SslContextFactory.Client tls) throws Exception {
        org.eclipse.jetty.io.ClientConnector connector = new org.eclipse.jetty.io.ClientConnector();
        connector.setSslContextFactory(tls);
        HttpClient client = new HttpClient(new org.eclipse.jetty.client.transport.HttpClientTransportDynamic(connector));
        client.setFollowRedirects(false);
        client.start();
        return client;
    }

    @Override
    public CarpView current() {
        // One fetch at a time: concurrent callers wait for it and then share the cached answer.
        synchronized (lock) {
            Instant now = clock.instant();
            Optional<CarpView.Known> fresh = cached.filter(k -> !now.isBefore(k.fetchedAt())
                    && now.isBefore(k.fetchedAt().plus(cacheTtl)));
            if (fresh.isPresent()) {
                return fresh.get();
            }
            CarpView view = fetch();
            cached = view instanceof CarpView.Known known ? Optional.of(known) : Optional.empty();
            if (view instanceof CarpView.Known known) {
                LOG.debug("CARP state of {}: {} VIPs, {} states", backupBaseUrl, known.vips().size(), known.states().size());
            } else {
                LOG.debug("CARP state of {} unknown: {}", backupBaseUrl, ((CarpView.Unavailable) view).reason());
            }
            return view;
        }
    }

    private CarpView fetch() {
        CompletableFuture<ContentResponse> settings = send(VIP_SETTINGS);
        CompletableFuture<ContentResponse> status = send(VIP_STATUS);
        try {
            byte[] settingsBody = await(settings, VIP_SETTINGS);
            byte[] statusBody = await(status, VIP_STATUS);
            return new CarpView.Known(parse(settingsBody, VIP_SETTINGS, true).vips,
                    parse(statusBody, VIP_STATUS, false).states, clock.instant());
        } catch (Failure f) {
            settings.cancel(true);
            status.cancel(true);
            return new CarpView.Unavailable(f.getMessage());
        }
    }

    private CompletableFuture<ContentResponse> send(String path) {
        Request request = httpClient.newRequest(backupBaseUrl.resolve(path))
                .method(HttpMethod.GET)
                .headers(h -> h.put(HttpHeader.AUTHORIZATION, authorization)
                        .put(HttpHeader.ACCEPT, "application/json"))
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new CompletableResponseListener(request, MAX_ANSWER).send();
    }

    private byte[] await(CompletableFuture<ContentResponse> future, String path) throws Failure {
        ContentResponse response;
        try {
            // The request's own timeout fires first; this bound only guards against a lost callback.
            response = future.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new Failure(noAnswer());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted while asking the backup API");
        } catch (ExecutionException e) {
            throw new Failure(describe(e.getCause()));
        }
        if (response.getStatus() == 401) {
            throw new Failure(REFUSED);
        }
        if (response.getStatus() != 200) {
            throw new Failure("backup API answered HTTP " + response.getStatus() + " for " + path);
        }
        return response.getContent();
    }

    private String describe(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return noAnswer();
            }
            // Jetty's authentication handler fails a 401 that carries no WWW-Authenticate header (as the
            // backup's API may answer) instead of handing it to us; it is still a refusal.
            if (t instanceof HttpResponseException h && h.getResponse().getStatus() == 401) {
                return REFUSED;
            }
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail = root.getMessage() == null ? "" : ": " + root.getMessage();
        return "backup API at " + backupBaseUrl + " unreachable (" + root.getClass().getSimpleName() + detail + ")";
    }

    private String noAnswer() {
        return "backup API at " + backupBaseUrl + " did not answer within " + timeout.toMillis() + " ms";
    }

    private Parsed parse(byte[] body, String path, boolean settings) throws Failure {
        try {
            return settings ? new Parsed(json.vips(body), java.util.List.of())
                    : new Parsed(java.util.List.of(), json.states(body));
        } catch (BackupApiJson.BadAnswer e) {
            throw new Failure("backup API answer for " + path + " " + e.getMessage());
        }
    }

    private record Parsed(java.util.List<BackupVip> vips, java.util.List<VipState> states) {}

    private static final class Failure extends Exception {
        Failure(String reason) {
            super(reason, null, false, false);
        }
    }
}
