package io.carpgate.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** service_by_filter's walk with PHP's loose ==, as PROTOCOL.md describes it. */
class ServiceLookupTest {
    private static Map<String, Object> service(String name, String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        if (id != null) {
            m.put("id", id);
        }
        return m;
    }

    private final List<Map<String, Object>> services = List.of(
            service("unbound", null), service("wireguard", "aaa"), service("wireguard", "10"), service("openvpn", "server1"));

    private Optional<Map<String, Object>> find(Object service, Object id) {
        return BackupState.find(services, service, id);
    }

    @Test
    void emptyOrMissingIdSelectsTheFirstServiceOfThatName() {
        assertThat(find("wireguard", null)).contains(services.get(1));
        assertThat(find("wireguard", "")).contains(services.get(1));
        assertThat(find("wireguard", "0")).contains(services.get(1)); // "0" is empty() in PHP
        assertThat(find("wireguard", false)).contains(services.get(1));
    }

    @Test
    void idComparedLoosely() {
        assertThat(find("wireguard", "10")).contains(services.get(2));
        assertThat(find("wireguard", "1e1")).contains(services.get(2)); // numeric strings compare as numbers
        assertThat(find("wireguard", 10L)).contains(services.get(2));
        assertThat(find("wireguard", " 10")).contains(services.get(2));
        assertThat(find("wireguard", "bbb")).isEmpty();
    }

    @Test
    void booleanTrueEqualsAnyNonEmptyString() {
        assertThat(find(true, null)).contains(services.get(0));
        assertThat(find("wireguard", true)).contains(services.get(1));
        assertThat(find(true, "server1")).contains(services.get(3));
    }

    @Test
    void starMatchesEveryNameOnlyWithAnId() {
        // util.inc's service_by_name('*', []) filters on name == '*' ("force (mis)match"): no service at all
        // (until the OPNsense behaviour was read, this test expected the first service of the list).
        assertThat(find("*", null)).isEmpty();
        assertThat(find("*", "")).isEmpty();
        assertThat(find("*", "server1")).contains(services.get(3));
        assertThat(find(true, null)).contains(services.get(0)); // true == '*': a wildcard whose filter is name == true
    }

    @Test
    void aServiceWithoutIdNeverMatchesAGivenId() {
        assertThat(find("unbound", "unbound")).isEmpty();
        assertThat(find("nope", null)).isEmpty();
        assertThat(find(List.of(), null)).isEmpty();
    }
}
