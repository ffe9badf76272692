package io.carpgate.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * carpgate_suppressed_starts_total: one label value per kind whose starts can be suppressed, and "-";
 * carpgate_calls_total: a method label only for a method the backup has, or carpgate's own word.
 */
class MetricsLabelsTest {
    private static final String SERIES = "carpgate_suppressed_starts_total{kind=\"%s\",mode=\"enforce\",pair=\"p\"} %s";

    @Test
    void eachSuppressibleKindAndTheUnplacedCaseHaveASeriesAndRelaysNone() throws Exception {
        Metrics metrics = new Metrics("test");
        metrics.knownPairs(List.of("p"), "enforce", List.of("wireguard", "openvpn", "dhcrelay"));
        String before = scrape(metrics);
        assertThat(before).contains(SERIES.formatted("wireguard", "0.0"), SERIES.formatted("openvpn", "0.0"),
                SERIES.formatted("-", "0.0")).doesNotContain("kind=\"dhcrelay\"");

        // restart_service("*", ""): carpgate holds back every kind it may start, each counted under its own value.
        metrics.onComplete(record(suppressed(Optional.of("wireguard,openvpn,dhcrelay"))));
        metrics.onComplete(record(suppressed(Optional.of("openvpn"))));
        metrics.onComplete(record(suppressed(Optional.empty())));
        String after = scrape(metrics);
        assertThat(after).contains(SERIES.formatted("wireguard", "1.0"), SERIES.formatted("openvpn", "2.0"),
                SERIES.formatted("-", "1.0")).doesNotContain("kind=\"dhcrelay\"", "kind=\"wireguard,");
    }

    /** Before: the first 64 names any client sent became labels for good, and later real names counted as other. */
    @Test
    void onlyTheBackupsMethodsAndCarpgatesOwnWordsAreMethodLabels() throws Exception {
        Metrics metrics = new Metrics("test");
        for (int i = 0; i < 100; i++) {
            metrics.onComplete(record(forwarded("invented.method_" + i)));
        }
        metrics.onComplete(record(forwarded("(made up)")));
        for (String real : List.of("opnsense.backup_config_section", "system.listMethods", "opnsense.firmware_version",
                "(too large)")) {
            metrics.onComplete(record(forwarded(real)));
        }
        String scraped = scrape(metrics);
        assertThat(scraped).doesNotContain("invented.method_", "(made up)")
                .contains(CALLS.formatted("other", "101.0"), CALLS.formatted("opnsense.backup_config_section", "1.0"),
                        CALLS.formatted("system.listMethods", "1.0"), CALLS.formatted("opnsense.firmware_version", "1.0"),
                        CALLS.formatted("(too large)", "1.0"));
        assertThat(Metrics.METHOD_LABELS).containsAll(Metrics.KNOWN_METHODS);
    }

    private static final String CALLS = "carpgate_calls_total{decision=\"forwarded\",method=\"%s\",mode=\"enforce\","
            + "pair=\"p\"} %s";

    private static CallOutcome forwarded(String method) {
        return new CallOutcome(method, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Action.FORWARDED, "not gated");
    }

    private static CallOutcome suppressed(Optional<String> kind) {
        return new CallOutcome("opnsense.restart_service", Optional.of("*"), Optional.of(""), kind, Optional.empty(),
                Optional.empty(), Optional.empty(), Action.SUPPRESSED, "not MASTER");
    }

    private static ExchangeRecord record(CallOutcome call) {
        return new ExchangeRecord("0123456789ab", ZonedDateTime.now(), "p", "127.0.0.1", Optional.empty(), "POST /xmlrpc.php HTTP/1.1",
                200, 10, 10, Duration.ofMillis(1), List.of(call), false, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static String scrape(Metrics metrics) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.write(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
