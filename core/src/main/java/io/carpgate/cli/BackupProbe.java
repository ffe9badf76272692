package io.carpgate.cli;

import io.carpgate.carp.BackupApiClient;
import io.carpgate.config.PairConfig;
import io.carpgate.tls.TlsContexts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * {@code check}'s first look at a pair's backup: one GET of its CARP status API with the configured TLS trust and
 * credentials, as carpgate's API client makes it, explained by {@link ProbeWords} when it is not the API's JSON.
 * Neither the secret nor the answer's body is ever shown.
 */
final class BackupProbe {
    static final String PATH = "/api/diagnostics/interface/get_vip_status";

    private BackupProbe() {}

    /** Empty when the backup's API answered as it should. */
    static Optional<String> problem(PairConfig pair, Duration timeout) throws Exception {
        HttpClient http = BackupApiClient.newHttpClient(TlsContexts.client(pair.backup().trust()));
        try {
            String credentials = pair.backup().apiCredentials().key() + ":" + pair.backup().apiCredentials().secret();
            ContentResponse response = http.newRequest(pair.backup().url() + PATH)
                    .method(HttpMethod.GET)
                    .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Basic " + Base64.getEncoder()
                                    .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                            .put(HttpHeader.ACCEPT, "application/json"))
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .send();
            return describe(response, response.getContentAsString());
        } catch (ExecutionException e) {
            // Jetty fails a 401 without WWW-Authenticate (as the backup's API may send) instead of returning it.
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof HttpResponseException refused) {
                    return describe(refused.getResponse(), "");
                }
            }
            return Optional.of(ProbeWords.failure(e.getCause(), pair.backup().url(), pair.backup().trust(), timeout));
        } catch (TimeoutException e) {
            return Optional.of(ProbeWords.failure(e, pair.backup().url(), pair.backup().trust(), timeout));
        } finally {
            http.stop();
        }
    }

    private static Optional<String> describe(Response response, String body) {
        String start = body.stripLeading();
        return ProbeWords.answer(response.getStatus(),
                Optional.ofNullable(response.getHeaders().get(HttpHeader.CONTENT_TYPE)),
                start.startsWith("{") || start.startsWith("["), PATH,
                Optional.ofNullable(response.getHeaders().get(HttpHeader.LOCATION)));
    }
}
