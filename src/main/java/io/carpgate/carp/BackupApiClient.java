package io.carpgate.carp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The backup's CARP view from its REST API: its own CARP VIPs ({@code vip_settings/search_item}) and their
 * live state ({@code get_vip_status}). One answer is reused for {@code cacheTtl}, so a burst of restarts
 * asks once. Failures become {@link CarpView.Unavailable} with a reason that never holds the secret or a body.
 */
public final class BackupApiClient implements CarpSource {
    static final String VIP_SETTINGS = "/api/interfaces/vip_settings/search_item";
    static final String VIP_STATUS = "/api/diagnostics/interface/get_vip_status";

    private final HttpClient http;
    private final URI base;
    private final String authorization;
    private final Duration timeout;
    private final Duration cacheTtl;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final Object lock = new Object();
    private CarpView cached;
    private Instant cachedAt = Instant.MIN;

    public BackupApiClient(HttpClient http, URI backupBaseUrl, String apiKey, String apiSecret, Duration timeout,
                           Duration cacheTtl, Clock clock) {
        this.http = http;
        this.base = backupBaseUrl;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((apiKey + ":" + apiSecret).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.cacheTtl = cacheTtl;
        this.clock = clock;
    }

    @Override
    public CarpView current() {
        synchronized (lock) { // one fetch at a time: concurrent callers share its answer
            Instant now = clock.instant();
            if (cached != null && now.isBefore(cachedAt.plus(cacheTtl))) {
                return cached;
            }
            cached = fetch(now);
            cachedAt = now;
            return cached;
        }
    }

    private CarpView fetch(Instant now) {
        try {
            List<BackupVip> vips = vips(get(VIP_SETTINGS));
            List<VipState> states = states(get(VIP_STATUS));
            return new CarpView.Known(vips, states, now);
        } catch (ApiProblem problem) {
            return new CarpView.Unavailable(problem.getMessage());
        }
    }

    private JsonNode get(String path) throws ApiProblem {
        ContentResponse response;
        try {
            response = http.newRequest(URI.create(base + path))
                    .headers(h -> h.put(HttpHeader.AUTHORIZATION, authorization).put(HttpHeader.ACCEPT, "application/json"))
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .send();
        } catch (TimeoutException e) {
            throw new ApiProblem("backup API did not answer " + path + " within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ApiProblem("backup API unreachable (" + path + "): " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiProblem("interrupted while asking the backup API");
        }
        if (response.getStatus() == 401 || response.getStatus() == 403) {
            throw new ApiProblem("backup API refused the credentials (HTTP " + response.getStatus()
                    + "): check api-credentials and the user's privileges");
        }
        if (response.getStatus() != 200) {
            throw new ApiProblem("backup API answered HTTP " + response.getStatus() + " for " + path);
        }
        try {
            return json.readTree(response.getContent());
        } catch (IOException e) {
            throw new ApiProblem("backup API answered " + path + " with something that is not JSON");
        }
    }

    static List<BackupVip> vips(JsonNode answer) throws ApiProblem {
        List<BackupVip> vips = new ArrayList<>();
        for (JsonNode row : rows(answer, VIP_SETTINGS)) {
            if (!"carp".equals(row.path("mode").asText())) {
                continue;
            }
            int vhid = vhid(row.path("vhid").asText());
            if (vhid < 0) {
                continue; // a CARP VIP without a usable VHID cannot be followed; it is simply not offered
            }
            vips.add(new BackupVip(row.path("uuid").asText(), row.path("interface").asText(), vhid,
                    address(row.path("subnet").asText()), row.path("descr").asText()));
        }
        return vips;
    }

    static List<VipState> states(JsonNode answer) throws ApiProblem {
        List<VipState> states = new ArrayList<>();
        for (JsonNode row : rows(answer, VIP_STATUS)) {
            if (row.has("mode") && !"carp".equals(row.path("mode").asText())) {
                continue;
            }
            int vhid = vhid(row.path("vhid").asText());
            if (vhid >= 0) {
                states.add(new VipState(row.path("interface").asText(), vhid, address(row.path("subnet").asText()),
                        row.path("status").asText()));
            }
        }
        return states;
    }

    private static JsonNode rows(JsonNode answer, String path) throws ApiProblem {
        JsonNode rows = answer.path("rows");
        if (!rows.isArray()) {
            throw new ApiProblem("backup API answer for " + path + " has no rows");
        }
        return rows;
    }

    private static int vhid(String text) {
        String t = text.trim();
        return t.matches("[0-9]{1,3}") ? Integer.parseInt(t) : -1;
    }

    private static String address(String subnet) {
        int slash = subnet.indexOf('/');
        return (slash < 0 ? subnet : subnet.substring(0, slash)).trim();
    }

    /** A reason the API could not tell; the message is fit for the decision log. */
    static final class ApiProblem extends Exception {
        private static final long serialVersionUID = 1L;

        ApiProblem(String message) {
            super(message);
        }
    }
}
