package io.carpgate.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code logs} and {@code limits}: sizes, durations and counts, each checked at its own line. */
final class LogsAndLimits {
    private static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");

    private LogsAndLimits() {}

    static LogSettings logs(Section logs, Path folder) throws ConfigException {
        LogSettings d = LogSettings.defaults(folder.resolve(logs.requiredText("dir", "the folder for access.log and "
                + "decisions.jsonl")).normalize());
        int retention = logs.integer("retention-days", 1, 3650, "1..3650").orElse(d.retentionDays());
        long maxFile = logs.parsed("max-file-size", t -> Units.size(t, "logs.max-file-size")).orElse(d.maxFileBytes());
        long cap = logs.parsed("total-size-cap", t -> Units.bigSize(t, "logs.total-size-cap")).orElse(d.totalSizeCapBytes());
        Optional<String> level = logs.text("level");
        LogSettings.Level parsedLevel = d.level();
        if (level.isPresent()) {
            String text = level.get();
            parsedLevel = logs.parse(logs.valueAt("level"), text, t -> {
                try {
                    return LogSettings.Level.parse(t);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage() + DidYouMean.hint(t, LEVELS), e);
                }
            });
        }
        return new LogSettings(d.dir(), retention, maxFile, cap, parsedLevel);
    }

    static Limits limits(Section limits) throws ConfigException {
        Limits d = Limits.defaults();
        Duration carpCache = duration(limits, "carp-cache").orElse(d.carpCacheTtl());
        if (carpCache.compareTo(Limits.MAX_CARP_CACHE) > 0) {
            // An older CARP answer could let a start through on a node that has just lost MASTER.
            throw limits.error(limits.valueAt("carp-cache"),
                    "limits.carp-cache must be at most 2s (CARP state is read at decision time)");
        }
        long maxBody = limits.parsed("max-body", t -> Units.size(t, "limits.max-body")).orElse(d.maxBodyBytes());
        long bodyBudget = limits.parsed("body-budget", t -> Units.bigSize(t, "limits.body-budget"))
                .orElse(d.bodyBudgetBytes());
        if (bodyBudget != 0 && bodyBudget < maxBody) {
            // One body of max-body must always fit, or a maximal restore could never pass.
            throw limits.error(limits.valueAt("body-budget"), "limits.body-budget must be at least limits.max-body ("
                    + maxBody + " bytes)");
        }
        return new Limits(
                maxBody,
                duration(limits, "upstream-connect-timeout").orElse(d.upstreamConnectTimeout()),
                duration(limits, "upstream-timeout").orElse(d.upstreamTimeout()),
                duration(limits, "api-timeout").orElse(d.apiTimeout()),
                carpCache,
                duration(limits, "client-idle-timeout").orElse(d.clientIdleTimeout()),
                duration(limits, "request-read-timeout").orElse(d.requestReadTimeout()),
                limits.integer("max-connections", 1, 100_000, "1..100000").orElse(d.maxConnections()),
                carpRefresh(limits).orElse(d.carpRefresh()),
                duration(limits, "tls-handshake-timeout").orElse(d.tlsHandshakeTimeout()),
                limits.integer("max-connections-per-client", 1, 100_000, "1..100000")
                        .orElse(d.maxConnectionsPerClient()),
                bodyBudget,
                limits.integer("max-calls-per-client", 1, 100_000, "1..100000").orElse(d.maxCallsPerClient()));
    }

    /** A duration of at least {@link Limits#MIN_CARP_REFRESH}, or {@code off} ({@link Duration#ZERO}). */
    private static Optional<Duration> carpRefresh(Section limits) throws ConfigException {
        Optional<String> text = limits.text("carp-refresh");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        // YAML reads a bare off as false.
        if (text.get().trim().equalsIgnoreCase("off") || text.get().trim().equalsIgnoreCase("false")) {
            return Optional.of(Duration.ZERO);
        }
        Duration refresh = limits.parse(limits.valueAt("carp-refresh"), text.get(),
                t -> Units.duration(t, "limits.carp-refresh"));
        if (refresh.compareTo(Limits.MIN_CARP_REFRESH) < 0) {
            throw limits.error(limits.valueAt("carp-refresh"), "limits.carp-refresh must be at least 5s, or off");
        }
        return Optional.of(refresh);
    }

    private static Optional<Duration> duration(Section limits, String key) throws ConfigException {
        return limits.parsed(key, t -> Units.duration(t, "limits." + key));
    }
}
