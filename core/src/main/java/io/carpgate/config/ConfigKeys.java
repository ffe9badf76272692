package io.carpgate.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The keys each mapping of {@code carpgate.yml} knows. An unknown key is reported as a typo of the closest one
 * ("did you mean"), or, when another mapping knows it, as misplaced (usually its indentation).
 */
final class ConfigKeys {
    static final String TOP_NAME = "the top level";
    static final List<String> TOP = List.of("listen", "allow-from", "allowed-users", "tls", "backup", "vhid-map",
            "pairs", "on-unknown-carp", "mode", "logs", "limits", "admin", "state-dir", "watch");
    static final List<String> LISTEN = List.of("host", "port");
    static final List<String> TLS = List.of("cert", "key");
    static final List<String> BACKUP = List.of("url", "pin-sha256", "ca", "insecure", "api-credentials");
    static final String PAIR_NAME = "an entry of pairs";
    static final List<String> PAIR = List.of("name", "path", "backup", "vhid-map", "on-unknown-carp");
    static final List<String> LOGS = List.of("dir", "retention-days", "max-file-size", "total-size-cap", "level");
    static final List<String> LIMITS = List.of("max-body", "upstream-connect-timeout", "upstream-timeout", "api-timeout",
            "carp-cache", "client-idle-timeout", "request-read-timeout", "max-connections", "carp-refresh",
            "tls-handshake-timeout", "max-connections-per-client", "body-budget", "max-calls-per-client");
    static final List<String> ADMIN = List.of("enabled", "host", "port", "hosts");
    static final List<String> WATCH = List.of("interval");

    /** Every mapping by the name a message gives it. */
    private static final Map<String, List<String>> ALL = all();

    private ConfigKeys() {}

    private static Map<String, List<String>> all() {
        Map<String, List<String>> all = new LinkedHashMap<>();
        all.put(TOP_NAME, TOP);
        all.put("listen", LISTEN);
        all.put("tls", TLS);
        all.put("backup", BACKUP);
        all.put(PAIR_NAME, PAIR);
        all.put("logs", LOGS);
        all.put("limits", LIMITS);
        all.put("admin", ADMIN);
        all.put("watch", WATCH);
        return all;
    }

    /**
     * The mappings other than {@code here} (one of the lists above, compared by identity) that know {@code key}:
     * "listen or admin", or "" when none does.
     */
    static String elsewhere(String key, List<String> here) {
        return ALL.entrySet().stream()
                .filter(e -> e.getValue() != here && e.getValue().contains(key))
                .map(Map.Entry::getKey)
                .collect(Collectors.joining(" or "));
    }
}
