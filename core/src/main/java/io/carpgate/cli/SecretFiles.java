package io.carpgate.cli;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.PairConfig;
import io.carpgate.config.UpstreamTrust;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code check}'s warning about a file holding a secret that every user of the host may read: the API credentials
 * and the listener's private key. The configuration keeps every file it read ({@link CarpgateConfig#inputs()});
 * what is neither the configuration itself, a VHID map, a CA file nor the listener's certificate is a credentials
 * file.
 */
final class SecretFiles {
    private SecretFiles() {}

    static List<String> worldReadable(CarpgateConfig config) {
        Set<Path> notSecret = new HashSet<>();
        notSecret.add(config.source().toAbsolutePath().normalize());
        notSecret.add(config.tls().cert().toAbsolutePath().normalize());
        for (PairConfig pair : config.pairs()) {
            pair.vhidMap().source().ifPresent(map -> notSecret.add(map.toAbsolutePath().normalize()));
            if (pair.backup().trust() instanceof UpstreamTrust.Ca ca) {
                notSecret.add(ca.file().toAbsolutePath().normalize());
            }
        }
        List<Path> secrets = new ArrayList<>();
        for (Path input : config.inputs()) {
            if (!notSecret.contains(input.toAbsolutePath().normalize())) {
                secrets.add(input);
            }
        }
        if (!secrets.contains(config.tls().key())) {
            secrets.add(config.tls().key());
        }
        List<String> warnings = new ArrayList<>();
        for (Path secret : secrets) {
            try {
                if (Files.getPosixFilePermissions(secret).contains(PosixFilePermission.OTHERS_READ)) {
                    warnings.add(secret + " holds a secret and every user of this host may read it: chmod o-r " + secret
                            + " (mode 600, or 640 with carpgate's group)");
                }
            } catch (IOException | UnsupportedOperationException e) {
                // Not there yet (run creates the key) or no POSIX permissions: nothing to warn about.
            }
        }
        return warnings;
    }
}
