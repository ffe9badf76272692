package io.carpgate.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * The YAML as written. Checks that need no other file run in the constructors, so Jackson reports them
 * with the line they come from.
 */
record RawConfig(
        @JsonProperty(value = "listen", required = true) RawListen listen,
        @JsonProperty(value = "tls", required = true) RawTls tls,
        @JsonProperty("backup") RawBackup backup,
        @JsonProperty("vhid-map") String vhidMap,
        @JsonProperty("pairs") java.util.List<RawPair> pairs,
        @JsonProperty("admin") RawAdmin admin,
        @JsonProperty("on-unknown-carp") String onUnknownCarp,
        @JsonProperty(value = "logs", required = true) RawLogs logs,
        @JsonProperty("limits") RawLimits limits,
        @JsonProperty("allow-from") java.util.List<String> allowFrom,
        @JsonProperty("allowed-users") java.util.List<String> allowedUsers,
        @JsonProperty("mode") String mode) {

    RawConfig {
        if ((backup == null) == (pairs == null)) {
            throw new IllegalArgumentException("set either backup (one HA pair, served at /) or pairs (several, each "
                    + "at its own path), not " + (backup == null ? "neither" : "both"));
        }
        if (pairs != null) {
            if (pairs.isEmpty()) {
                throw new IllegalArgumentException("pairs is empty: list at least one pair");
            }
            if (vhidMap != null) {
                throw new IllegalArgumentException("vhid-map belongs inside each entry of pairs when pairs is used");
            }
            if (pairs.stream().map(RawPair::name).distinct().count() != pairs.size()) {
                throw new IllegalArgumentException("pairs: two entries have the same name");
            }
            if (pairs.stream().map(p -> PairConfig.normalPath(p.path())).distinct().count() != pairs.size()) {
                throw new IllegalArgumentException("pairs: two entries have the same path");
            }
        }
        if (mode != null && !mode.equals("enforce") && !mode.equals("observe")) {
            throw new IllegalArgumentException("mode must be enforce or observe, not '" + mode + "'");
        }
        if (allowFrom != null) {
            if (allowFrom.isEmpty()) {
                throw new IllegalArgumentException("allow-from is empty: no master could connect; list the master's "
                        + "address (e.g. [192.0.2.1/32]) or remove the key to allow loopback only");
            }
            allowFrom.forEach(Cidr::parse);
        }
        if (allowedUsers != null && (allowedUsers.isEmpty() || allowedUsers.stream().anyMatch(u -> u == null || u.isBlank()))) {
            throw new IllegalArgumentException("allowed-users must list user names, or be left out to accept any");
        }
        checkOnUnknown(onUnknownCarp);
    }

    Mode runMode() {
        return "observe".equals(mode) ? Mode.OBSERVE : Mode.ENFORCE;
    }

    Access access() {
        return new Access(java.util.Optional.ofNullable(allowFrom).map(l -> l.stream().map(Cidr::parse).toList()),
                java.util.Optional.ofNullable(allowedUsers).map(java.util.Set::copyOf));
    }

    /** One HA pair of a multi-pair configuration. */
    record RawPair(@JsonProperty(value = "name", required = true) String name,
                   @JsonProperty(value = "path", required = true) String path,
                   @JsonProperty(value = "backup", required = true) RawBackup backup,
                   @JsonProperty("vhid-map") String vhidMap,
                   @JsonProperty("on-unknown-carp") String onUnknownCarp) {
        RawPair {
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                throw new IllegalArgumentException("pairs[].name must be 1-63 letters, digits, '.', '_' or '-' "
                        + "(it names the pair in logs and metrics), not '" + name + "'");
            }
            PairConfig.normalPath(path);
            if (backup == null) {
                throw new IllegalArgumentException("pairs[" + name + "].backup is missing");
            }
            checkOnUnknown(onUnknownCarp);
        }
    }

    /** The admin listener; absent means 127.0.0.1:9180. */
    record RawAdmin(@JsonProperty("enabled") Boolean enabled,
                    @JsonProperty("host") String host,
                    @JsonProperty("port") Integer port) {
        RawAdmin {
            if (host != null && host.isBlank()) {
                throw new IllegalArgumentException("admin.host is empty");
            }
            if (port != null && (port < 0 || port > 65535)) {
                throw new IllegalArgumentException("admin.port must be 1..65535 (0: any free port)");
            }
        }
    }

    static void checkOnUnknown(String onUnknownCarp) {
        if (onUnknownCarp != null && !onUnknownCarp.equals("suppress") && !onUnknownCarp.equals("forward")) {
            throw new IllegalArgumentException("on-unknown-carp must be suppress or forward, not '" + onUnknownCarp + "'");
        }
    }

    record RawListen(@JsonProperty(value = "host", required = true) String host,
                     @JsonProperty(value = "port", required = true) Integer port) {
        RawListen {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("listen.host is empty");
            }
            if (port == null || port < 0 || port > 65535) {
                throw new IllegalArgumentException("listen.port must be 1..65535 (0: any free port)");
            }
        }
    }

    record RawTls(@JsonProperty(value = "cert", required = true) String cert,
                  @JsonProperty(value = "key", required = true) String key) {
        RawTls {
            if (cert == null || cert.isBlank() || key == null || key.isBlank()) {
                throw new IllegalArgumentException("tls.cert and tls.key name PEM files");
            }
        }
    }

    record RawBackup(@JsonProperty(value = "url", required = true) String url,
                     @JsonProperty("pin-sha256") String pinSha256,
                     @JsonProperty("ca") String ca,
                     @JsonProperty("insecure") Boolean insecure,
                     @JsonProperty("api-credentials") String apiCredentials) {
        RawBackup {
            int ways = (pinSha256 != null ? 1 : 0) + (ca != null ? 1 : 0) + (Boolean.TRUE.equals(insecure) ? 1 : 0);
            if (ways != 1) {
                throw new IllegalArgumentException("backup: set exactly one of pin-sha256 (the backup certificate's "
                        + "SHA-256 fingerprint), ca (a PEM file) or insecure: true");
            }
            if (pinSha256 != null && io.carpgate.tls.Fingerprint.parse(pinSha256).isEmpty()) {
                throw new IllegalArgumentException("backup.pin-sha256 is not a SHA-256 fingerprint "
                        + "(32 bytes as AB:CD:... or 64 hex digits)");
            }
        }
    }

    record RawLogs(@JsonProperty(value = "dir", required = true) String dir,
                   @JsonProperty("retention-days") Integer retentionDays,
                   @JsonProperty("max-file-size") String maxFileSize,
                   @JsonProperty("total-size-cap") String totalSizeCap,
                   @JsonProperty("level") String level) {
        RawLogs {
            if (dir == null || dir.isBlank()) {
                throw new IllegalArgumentException("logs.dir is empty");
            }
            if (retentionDays != null && (retentionDays < 1 || retentionDays > 3650)) {
                throw new IllegalArgumentException("logs.retention-days must be 1..3650");
            }
            if (maxFileSize != null) {
                Units.size(maxFileSize, "logs.max-file-size");
            }
            if (totalSizeCap != null) {
                Units.bigSize(totalSizeCap, "logs.total-size-cap");
            }
            if (level != null) {
                LogSettings.Level.parse(level);
            }
        }
    }

    record RawLimits(@JsonProperty("max-body") String maxBody,
                     @JsonProperty("upstream-connect-timeout") String upstreamConnectTimeout,
                     @JsonProperty("upstream-timeout") String upstreamTimeout,
                     @JsonProperty("api-timeout") String apiTimeout,
                     @JsonProperty("carp-cache") String carpCache,
                     @JsonProperty("client-idle-timeout") String clientIdleTimeout,
                     @JsonProperty("request-read-timeout") String requestReadTimeout,
                     @JsonProperty("max-connections") Integer maxConnections,
                     @JsonProperty("carp-refresh") String carpRefresh) {
        RawLimits {
            // Parsed here so a bad value is reported at its line.
            toLimits(maxBody, upstreamConnectTimeout, upstreamTimeout, apiTimeout, carpCache, clientIdleTimeout,
                    requestReadTimeout, maxConnections, carpRefresh);
        }

        Limits limits() {
            return toLimits(maxBody, upstreamConnectTimeout, upstreamTimeout, apiTimeout, carpCache, clientIdleTimeout,
                    requestReadTimeout, maxConnections, carpRefresh);
        }

        private static Limits toLimits(String maxBody, String connect, String upstream, String api, String cache,
                                       String idle, String read, Integer connections, String refresh) {
            if (connections != null && (connections < 1 || connections > 100_000)) {
                throw new IllegalArgumentException("limits.max-connections must be 1..100000");
            }
            Limits d = Limits.defaults();
            Duration carpCache = cache == null ? d.carpCacheTtl() : Units.duration(cache, "limits.carp-cache");
            if (carpCache.compareTo(Limits.MAX_CARP_CACHE) > 0) {
                // An older CARP answer could let a start through on a node that has just lost MASTER.
                throw new IllegalArgumentException("limits.carp-cache must be at most 2s (CARP state is read at decision time)");
            }
            return new Limits(
                    maxBody == null ? d.maxBodyBytes() : Units.size(maxBody, "limits.max-body"),
                    connect == null ? d.upstreamConnectTimeout() : Units.duration(connect, "limits.upstream-connect-timeout"),
                    upstream == null ? d.upstreamTimeout() : Units.duration(upstream, "limits.upstream-timeout"),
                    api == null ? d.apiTimeout() : Units.duration(api, "limits.api-timeout"),
                    carpCache,
                    idle == null ? d.clientIdleTimeout() : Units.duration(idle, "limits.client-idle-timeout"),
                    read == null ? d.requestReadTimeout() : Units.duration(read, "limits.request-read-timeout"),
                    connections == null ? d.maxConnections() : connections,
                    carpRefresh(refresh, d));
        }

        private static Duration carpRefresh(String text, Limits d) {
            if (text == null) {
                return d.carpRefresh();
            }
            if (text.trim().equalsIgnoreCase("off")) {
                return Duration.ZERO;
            }
            Duration refresh = Units.duration(text, "limits.carp-refresh");
            if (refresh.compareTo(Limits.MIN_CARP_REFRESH) < 0) {
                throw new IllegalArgumentException("limits.carp-refresh must be at least 5s, or off");
            }
            return refresh;
        }
    }
}
