package io.carpgate.runtime;

import io.carpgate.config.CarpgateConfig;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A setting a running carpgate cannot change: the listener's address and what it set up at the accept, the log
 * files, the memory's folder, the admin listener, the certificate's file names. A reload keeps the value it started
 * with and names the setting while the file says otherwise (a value put back is no longer named).
 *
 * @param key how the reload's line names it
 * @param value what of a configuration the setting is
 */
record RestartOnly(String key, Function<CarpgateConfig, Object> value) {
    /** Every restart-only setting; any other applies at a reload. */
    static final List<RestartOnly> KEYS = List.of(
            new RestartOnly("listen", CarpgateConfig::listen),
            new RestartOnly("logs (dir, retention-days, max-file-size, total-size-cap)", c -> List.of(c.logs().dir(),
                    c.logs().retentionDays(), c.logs().maxFileBytes(), c.logs().totalSizeCapBytes())),
            new RestartOnly("limits.request-read-timeout", c -> c.limits().requestReadTimeout()),
            new RestartOnly("limits.tls-handshake-timeout", c -> c.limits().tlsHandshakeTimeout()),
            new RestartOnly("limits.max-connections", c -> c.limits().maxConnections()),
            new RestartOnly("state-dir", CarpgateConfig::stateDir),
            new RestartOnly("admin", c -> List.of(c.admin(), c.adminHosts())),
            new RestartOnly("tls (the file names; a new certificate in the same files is used at once)",
                    CarpgateConfig::tls));

    /** The keys of the restart-only settings in which {@code next} differs from {@code inEffect}, in table order. */
    static List<String> changed(CarpgateConfig inEffect, CarpgateConfig next) {
        return KEYS.stream().filter(k -> !Objects.equals(k.value().apply(inEffect), k.value().apply(next)))
                .map(RestartOnly::key).toList();
    }
}
