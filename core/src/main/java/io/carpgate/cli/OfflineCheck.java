package io.carpgate.cli;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.memory.PairMemories;
import io.carpgate.config.ConfigException;
import io.carpgate.config.ConfigLoader;
import io.carpgate.config.ConfigWarnings;
import io.carpgate.config.PairConfig;
import io.carpgate.tls.Fingerprint;
import io.carpgate.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code check} can know without the network: the configuration, each VHID map and every file they name
 * are read and checked (as {@code run} and a reload read them), and summed up in a few lines with the warnings.
 */
final class OfflineCheck {
    /** @param config as loaded, each pair with its VHID map */
    record Report(CarpgateConfig config, List<String> lines, List<String> warnings) {}

    private OfflineCheck() {}

    static Report run(Path file, Map<String, String> env, Instant now) throws ConfigException {
        CarpgateConfig config = ConfigLoader.load(file, env);
        List<String> lines = new ArrayList<>();
        List<String> warnings = new ArrayList<>(ConfigWarnings.of(config));
        warnings.addAll(SecretFiles.worldReadable(config));
        lines.add("configuration " + config.source() + ": ok; " + config.pairs().size() + " pair(s)");
        lines.add("listen " + config.listen().host() + ":" + config.listen().port() + "; " + certificate(config, now, warnings));
        lines.add("clients: " + config.access().describe());
        for (PairConfig pair : config.pairs()) {
            io.carpgate.policy.VhidMap map = pair.vhidMap();
            lines.add("pair " + pair.name() + " at " + pair.path() + " -> backup " + pair.backup().url() + ": "
                    + pair.backup().trust().describe() + "; on-unknown-carp "
                    + pair.onUnknownCarp().name().toLowerCase(java.util.Locale.ROOT) + "; VHID map "
                    + map.source().map(p -> p + " (" + map.all().size() + (map.all().size() == 1 ? " entry)" : " entries)")).orElse("none"));
            config.stateDir().ifPresent(dir -> remembered(PairMemories.look(dir, pair.name(),
                    pair.backup().identity()), lines, warnings));
        }
        lines.add("mode " + config.mode().name().toLowerCase(java.util.Locale.ROOT) + "; logs " + config.logsDir()
                + "; admin " + config.admin().map(a -> "http://" + a.host() + ":" + a.port() + "/").orElse("off"));
        return new Report(config, lines, warnings);
    }

    /** What carpgate learned of the pair's items from restores the backup stored, and from where. */
    private static void remembered(PairMemories.Remembered memory, List<String> lines, List<String> warnings) {
        if (memory instanceof PairMemories.Remembered.Unreadable unreadable) {
            warnings.add("state: " + unreadable.file() + " cannot be read as carpgate's memory of the pair ("
                    + unreadable.why() + "); run sets it aside and starts without it");
            return;
        }
        if (!(memory instanceof PairMemories.Remembered.Items items) || items.book().all().isEmpty()) {
            lines.add("  remembered: nothing yet (" + memory.file() + " is written after the first restore the "
                    + "backup stores)");
            return;
        }
        lines.add("  remembered: " + items.book().size() + " item(s) in " + memory.file());
        for (io.carpgate.policy.CarpItem item : items.book().all()) {
            lines.add("    " + item.kind().key() + " " + item.shownName()
                    + (item.name().isEmpty() ? "" : " (" + item.uuid() + ")") + ": "
                    + item.vhid().map(v -> "VHID " + v).orElse("VHID unknown")
                    + (item.basis().isEmpty() ? "" : "; " + item.basis())
                    + item.learnedAt().map(at -> "; as of " + at).orElse(""));
        }
    }

    /** The listener certificate's fingerprint and end, or what {@code run} will do when it does not exist yet. */
    private static String certificate(CarpgateConfig config, Instant now, List<String> warnings) throws ConfigException {
        Path cert = config.tls().cert();
        if (!Files.exists(cert)) {
            Path folder = cert.toAbsolutePath().getParent();
            Path existing = folder;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null && !Files.isWritable(existing)) {
                warnings.add("tls: " + cert + " does not exist and " + existing + " is not writable here: run cannot "
                        + "create the self-signed pair (create it with gen-cert, or make the folder writable)");
            }
            return cert + " does not exist yet: run creates a self-signed pair there";
        }
        try {
            X509Certificate leaf = PemFiles.readCertificates(cert).get(0);
            Instant end = leaf.getNotAfter().toInstant();
            if (end.isBefore(now)) {
                warnings.add("tls: the listener certificate " + cert + " expired at " + end
                        + "; a master that verifies its peer will refuse carpgate");
            }
            return "certificate " + cert + " SHA-256 " + Fingerprint.of(leaf) + ", valid until " + end;
        } catch (IOException | GeneralSecurityException e) {
            // The loader has just read this file; it changed in between.
            throw new ConfigException(cert + ": changed while it was being checked; run the check again");
        }
    }
}
