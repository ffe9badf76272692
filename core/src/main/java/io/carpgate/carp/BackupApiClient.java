package io.carpgate.carp;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * Reads the backup's CARP view from its REST API: both endpoints asked in parallel, asynchronously (no
 * thread waits on the network unless its caller chooses to). Caching and sharing reads is {@link CarpCache}'s
 * job. Reasons never contain the secret or a response body.
 */
public final class BackupApiClient {
    static final String VIP_STATUS = "/api/diagnostics/interface/get_vip_status";
    static final String VIP_SETTINGS = "/api/interfaces/vip_settings/search_item";
    private static final String REFUSED = "backup API refused the credentials (HTTP 401)";
    private static final int MAX_ANSWER = 4 * 1024 * 1024;
    /** Beyond the requests' own timeout, a bound on a lost callback. */
    private static final Duration GRACE = Duration.ofSeconds(1);

    private final HttpClient httpClient;
    private final URI backupBaseUrl;
    private final String authorization;
    private final Duration timeout;
    private final Clock clock;
    private final BackupApiJson json = new BackupApiJson();

    public BackupApiClient(HttpClient httpClient, URI backupBaseUrl, String apiKey, String apiSecret,
                           Duration timeout, Clock clock) {
        this.httpClient = httpClient;
        this.backupBaseUrl = backupBaseUrl;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((apiKey + ":" + apiSecret).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
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

    /** The longest a {@link #read()} can take: the requests' timeout and a little. */
    public Duration maxWait() {
        return timeout.plus(GRACE);
    }

    /** Starts one read; the future never completes exceptionally and completes within {@link #maxWait()}. */
    public CompletableFuture<CarpView> read() {
        CompletableFuture<ContentResponse> settingsSent = send(VIP_SETTINGS);
        CompletableFuture<ContentResponse> statusSent = send(VIP_STATUS);
        CompletableFuture<Answer<List<BackupVip>>> settings = settingsSent
                .handle((response, failure) -> answer(VIP_SETTINGS, response, failure, json::vips));
        CompletableFuture<Answer<List<VipState>>> status = statusSent
                .handle((response, failure) -> answer(VIP_STATUS, response, failure, json::states));
        return settings.thenCombine(status, this::view)
                .completeOnTimeout(new CarpView.Unavailable(noAnswer()), maxWait().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(failure -> new CarpView.Unavailable(describe(failure)))
                .whenComplete((view, failure) -> {
                    // Cancelling what Jetty's listener returned aborts a request still on its way (no-op when done).
                    settingsSent.cancel(true);
                    statusSent.cancel(true);
                });
    }

    /** Reads once and waits for the answer (for {@code check}). */
    public CarpView readNow() {
        return read().join();
    }

    /** One endpoint's parsed answer, or why there is none. */
    private record Answer<T>(T value, String failure) {}

    /** Turns an endpoint's body into values; the message of its failure names what is wrong, never the body. */
    private interface Parser<T> {
        T parse(byte[] body) throws BackupApiJson.BadAnswer;
    }

    private CarpView view(Answer<List<BackupVip>> settings, Answer<List<VipState>> status) {
        if (settings.failure() != null) {
            return new CarpView.Unavailable(settings.failure());
        }
        if (status.failure() != null) {
            return new CarpView.Unavailable(status.failure());
        }
        return new CarpView.Known(settings.value(), status.value(), clock.instant());
    }

    private CompletableFuture<ContentResponse> send(String path) {
        Request request = httpClient.newRequest(backupBaseUrl.resolve(path))
                .method(HttpMethod.GET)
                .headers(h -> h.put(HttpHeader.AUTHORIZATION, authorization)
                        .put(HttpHeader.ACCEPT, "application/json"))
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new CompletableResponseListener(request, MAX_ANSWER).send();
    }

    private <T> Answer<T> answer(String path, ContentResponse response, Throwable failure, Parser<T> parser) {
        if (failure != null) {
            return new Answer<>(null, describe(failure));
        }
        if (response.getStatus() == 401) {
            return new Answer<>(null, REFUSED);
        }
        if (response.getStatus() == 403) {
            // A valid key whose user lacks the page (OPNsense's ApiControllerBase): say which privilege, as the watch does.
            return new Answer<>(null, "the API key may not read " + path + " (HTTP 403): give its user the privilege '"
                    + (path.equals(VIP_STATUS) ? "Interfaces: Virtual IPs: Status" : "Interfaces: Virtual IPs: Settings")
                    + "'");
        }
        if (response.getStatus() != 200) {
            return new Answer<>(null, "backup API answered HTTP " + response.getStatus() + " for " + path);
        }
        byte[] content = response.getContent();
        try {
            return new Answer<>(parser.parse(content), null);
        } catch (BackupApiJson.BadAnswer e) {
            return new Answer<>(null, "backup API answer for " + path + " " + e.getMessage());
        } finally {
            // search_item's answer holds every VIP's CARP password in clear: keep it no longer than the parse.
            java.util.Arrays.fill(content, (byte) 0);
        }
    }

    private String describe(Throwable cause) {
        return describe(cause, backupBaseUrl, timeout);
    }

    /**
     * Why a call to the backup's API failed, in words for the admin (the CARP reads' and the watch's alike): a
     * certificate rejected, no answer in time, the credentials refused, else unreachable with the failure's words.
     */
    public static String describe(Throwable cause, URI backupBaseUrl, Duration timeout) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            // A pin mismatch (or a certificate the CA does not vouch for) is not "unreachable": say what it is.
            if (t instanceof java.security.cert.CertificateException) {
                return "backup TLS certificate rejected: " + t.getMessage();
            }
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return noAnswer(backupBaseUrl, timeout);
            }
            // Jetty's authentication handler fails a 401 that carries no WWW-Authenticate header (as the
            // backup's API answers) instead of handing it to us; it is still a refusal.
            if (t instanceof HttpResponseException h && h.getResponse().getStatus() == 401) {
                return REFUSED;
            }
            // Jetty's buffering listener past its cap: the backup answered, at more length than carpgate reads.
            if (t instanceof IllegalArgumentException && String.valueOf(t.getMessage()).startsWith("Buffering capacity")) {
                return "backup API at " + backupBaseUrl + " answered with more than carpgate reads of one answer ("
                        + t.getMessage() + ")";
            }
        }
        return "backup API at " + backupBaseUrl + " unreachable (" + FailureWords.of(cause, timeout) + ")";
    }

    private String noAnswer() {
        return noAnswer(backupBaseUrl, timeout);
    }

    /** The backup's API gave no answer in time (the CARP reads' and the watch's words alike). */
    public static String noAnswer(URI backupBaseUrl, Duration timeout) {
        return "backup API at " + backupBaseUrl + " did not answer within " + timeout.toMillis() + " ms";
    }
}
