package io.carpgate.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The validated configuration; every path is absolute (resolved against the file's folder).
 *
 * @param pairs  one or more HA pairs, each at its own path; a single-pair file gives one pair at "/"
 * @param admin  the admin listener (metrics, health, status page), empty when disabled
 * @param inputs every file this configuration was read from (the file itself, maps, credentials, CAs):
 *               a change to any of them is a reason to reload
 * @param adminHosts {@code admin.hosts}: the Host names the admin listener answers (its own bind address always);
 *               empty when not configured, then {@link #DEFAULT_ADMIN_HOSTS}
 * @param stateDir where carpgate keeps what it learned of each pair between runs ({@code state-dir}); empty: in
 *               the process only (the warm-up's private server)
 * @param watch  {@code watch}: the read-only watch of each backup for conflicts with its CARP state
 */
public record CarpgateConfig(Path source, Listen listen, TlsFiles tls, List<PairConfig> pairs, LogSettings logs,
                             Limits limits, Access access, Mode mode, Optional<Listen> admin, List<Path> inputs,
                             List<String> adminHosts, Optional<Path> stateDir, WatchSettings watch) {
    /** The names a browser on the admin's own machine uses; {@code admin.hosts} replaces them. */
    public static final List<String> DEFAULT_ADMIN_HOSTS = List.of("localhost", "127.0.0.1", "[::1]");

    /** The default {@code state-dir}, relative to the configuration file's folder (as the shipped logs folder is). */
    public static final String DEFAULT_STATE_DIR = "../state";

    public CarpgateConfig {
        pairs = List.copyOf(pairs);
        inputs = List.copyOf(inputs);
        adminHosts = List.copyOf(adminHosts);
    }

    /** With the watch's defaults. */
    public CarpgateConfig(Path source, Listen listen, TlsFiles tls, List<PairConfig> pairs, LogSettings logs,
                          Limits limits, Access access, Mode mode, Optional<Listen> admin, List<Path> inputs,
                          List<String> adminHosts, Optional<Path> stateDir) {
        this(source, listen, tls, pairs, logs, limits, access, mode, admin, inputs, adminHosts, stateDir,
                WatchSettings.defaults());
    }

    /**
     * Without {@code admin.hosts} (the admin listener answers {@link #DEFAULT_ADMIN_HOSTS}) and with
     * {@code stateDir}.
     */
    public CarpgateConfig(Path source, Listen listen, TlsFiles tls, List<PairConfig> pairs, LogSettings logs,
                          Limits limits, Access access, Mode mode, Optional<Listen> admin, List<Path> inputs,
                          Optional<Path> stateDir) {
        this(source, listen, tls, pairs, logs, limits, access, mode, admin, inputs, List.of(), stateDir);
    }

    /** The Host names (without a port) the admin listener answers, besides its own bind address. */
    public List<String> adminHostNames() {
        return adminHosts.isEmpty() ? DEFAULT_ADMIN_HOSTS : adminHosts;
    }

    /** Port 0 means "any free port" (tests and the demo use it). */
    public record Listen(String host, int port) {}

    public record TlsFiles(Path cert, Path key) {}

    public Path logsDir() {
        return logs.dir();
    }
}
