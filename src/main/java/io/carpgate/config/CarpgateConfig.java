package io.carpgate.config;

import io.carpgate.policy.OnUnknownCarp;
import java.nio.file.Path;
import java.util.Optional;

/** The validated configuration; every path is absolute (resolved against the file's folder). */
public record CarpgateConfig(Path source, Listen listen, TlsFiles tls, Backup backup, Optional<Path> vhidMap,
                             OnUnknownCarp onUnknownCarp, Path logsDir, Limits limits, Access access,
                             Mode mode) {

    /** Port 0 means "any free port" (tests and the demo use it). */
    public record Listen(String host, int port) {}

    public record TlsFiles(Path cert, Path key) {}
}
