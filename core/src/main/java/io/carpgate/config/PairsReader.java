package io.carpgate.config;

import io.carpgate.policy.OnUnknownCarp;
import io.carpgate.policy.VhidMap;
import io.carpgate.tls.Fingerprint;
import io.carpgate.tls.PemFiles;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The HA pairs: the top-level {@code backup} (one pair named {@code default} at {@code /}) or the entries of
 * {@code pairs}, each with its backup's URL, trust and API credentials, read and checked here.
 */
final class PairsReader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final String EITHER = "set either backup (one HA pair, served at /) or pairs (several, each at its "
            + "own path), not ";
    private static final String BACKUP_NEEDS = "url, one of pin-sha256, ca or insecure, and api-credentials";

    private PairsReader() {}

    static List<PairConfig> read(Section top, Path folder, OnUnknownCarp onUnknown, Map<String, String> env,
                                 List<Path> inputs) throws ConfigException {
        boolean single = top.written("backup");
        boolean several = top.written("pairs");
        if (single && several) {
            String later = top.keyAt("pairs").line() > top.keyAt("backup").line() ? "pairs" : "backup";
            throw top.error(top.keyAt(later), EITHER + "both");
        }
        if (!single && !several) {
            throw new ConfigException(top.file() + ": " + EITHER + "neither");
        }
        if (single) {
            Section backup = top.requiredSection("backup", ConfigKeys.BACKUP, BACKUP_NEEDS);
            Optional<Path> map = top.text("vhid-map").map(folder::resolve).map(Path::normalize);
            return List.of(pair(backup, PairConfig.DEFAULT_NAME, "/", map, onUnknown, folder, env, inputs, false));
        }
        if (top.written("vhid-map")) {
            throw top.error(top.keyAt("vhid-map"), "vhid-map belongs inside each entry of pairs when pairs is used");
        }
        YamlNode.Sequence entries = top.sequence("pairs", "list at least one pair").orElseThrow();
        List<PairConfig> pairs = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> paths = new HashMap<>();
        Map<String, String> backups = new HashMap<>();
        for (int i = 0; i < entries.items().size(); i++) {
            YamlNode item = entries.items().get(i);
            Section entry = Section.of(top.file(), label(item, i), item, item.at(), ConfigKeys.PAIR);
            String name = entry.requiredText("name", "a name for logs and metrics, e.g. site-a");
            if (!NAME.matcher(name).matches()) {
                throw entry.error(entry.valueAt("name"), "pairs[].name must be 1-63 letters, digits, '.', '_' or '-' "
                        + "(it names the pair in logs and metrics), not '" + name + "'");
            }
            Integer sameName = names.putIfAbsent(name, entry.valueAt("name").line());
            if (sameName != null) {
                throw entry.error(entry.valueAt("name"), "pairs: two entries have the same name '" + name
                        + "' (the other at line " + sameName + ")");
            }
            String path = entry.parse(entry.valueAt("path"),
                    entry.requiredText("path", "the path its master syncs to, e.g. /site-a"), PairConfig::normalPath);
            Integer samePath = paths.putIfAbsent(path, entry.valueAt("path").line());
            if (samePath != null) {
                throw entry.error(entry.valueAt("path"), "pairs: two entries have the same path '" + path
                        + "' (the other at line " + samePath + ")");
            }
            Section backup = Section.of(top.file(), "pairs[" + name + "].backup", entry.required("backup", BACKUP_NEEDS),
                    entry.keyAt("backup"), ConfigKeys.BACKUP);
            Optional<Path> map = entry.text("vhid-map").map(folder::resolve).map(Path::normalize);
            OnUnknownCarp policy = ConfigLoader.onUnknownCarp(entry).orElse(onUnknown);
            PairConfig pair = pair(backup, name, path, map, policy, folder, env, inputs, true);
            // Two entries on one backup would each keep their own memory and call order of the same items: a start
            // through one could pass a restore through the other, and what one learned the other would not know.
            String sameBackup = backups.putIfAbsent(pair.backup().identity(), name);
            if (sameBackup != null) {
                throw backup.error(backup.valueAt("url"), "pairs: " + name + " and " + sameBackup + " name the same backup "
                        + pair.backup().url() + " (one backup is one pair: point both masters' paths at one entry, "
                        + "or each entry at its own backup)");
            }
            pairs.add(pair);
        }
        return pairs;
    }

    /**
     * How messages name an entry before its name is checked: {@code pairs[site-a]} when it has a plain name, else
     * by its place ({@code the 2nd entry of pairs}).
     */
    private static String label(YamlNode item, int index) {
        if (item instanceof YamlNode.Mapping mapping) {
            Optional<YamlNode> name = mapping.entry("name").map(YamlNode.Entry::value);
            if (name.isPresent() && name.get() instanceof YamlNode.Scalar s && NAME.matcher(s.text()).matches()) {
                return "pairs[" + s.text() + "]";
            }
        }
        int n = index + 1;
        String suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return "the " + n + suffix + " entry of pairs";
    }

    private static PairConfig pair(Section backup, String name, String path, Optional<Path> map, OnUnknownCarp onUnknown,
                                   Path folder, Map<String, String> env, List<Path> inputs, boolean several)
            throws ConfigException {
        URI url = url(backup);
        UpstreamTrust trust = trust(backup, folder);
        if (trust instanceof UpstreamTrust.Ca ca) {
            inputs.add(ca.file());
        }
        ApiCredentials credentials = credentials(backup, folder, env, inputs, several);
        map.ifPresent(inputs::add);
        // Read here, once: a bad map refuses the whole configuration (at start, or a reload) before any pair is built.
        VhidMap loaded = map.isPresent() ? VhidMapLoader.load(map.get()) : VhidMap.none();
        return new PairConfig(name, path, new Backup(url, trust, credentials), loaded, onUnknown);
    }

    private static URI url(Section backup) throws ConfigException {
        String text = backup.requiredText("url", "the backup's web GUI address, https://HOST[:PORT][/PATH]");
        YamlNode.Position at = backup.valueAt("url");
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw backup.error(at, backup.name("url") + " is not a URL: " + e.getReason());
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw backup.error(at, backup.name("url") + " must be https://HOST[:PORT][/PATH], not '" + text + "'"
                    + ("http".equalsIgnoreCase(uri.getScheme()) ? " (carpgate reaches the backup over TLS only)" : ""));
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw backup.error(at, backup.name("url") + " takes no user, query or fragment");
        }
        String base = uri.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base);
    }

    private static UpstreamTrust trust(Section backup, Path folder) throws ConfigException {
        Optional<String> pin = backup.text("pin-sha256");
        Optional<String> ca = backup.text("ca");
        boolean insecure = backup.bool("insecure").orElse(false);
        List<String> set = new ArrayList<>();
        pin.ifPresent(p -> set.add("pin-sha256"));
        ca.ifPresent(c -> set.add("ca"));
        if (insecure) {
            set.add("insecure");
        }
        String exactlyOne = backup.label() + ": set exactly one of pin-sha256 (the backup "
                + "certificate's SHA-256 fingerprint), ca (a PEM file) or insecure: true";
        if (set.isEmpty()) {
            throw backup.here(exactlyOne + "; none is set");
        }
        if (set.size() > 1) {
            String later = set.stream().max(java.util.Comparator.comparingInt((String k) -> backup.keyAt(k).line())
                    .thenComparingInt(k -> backup.keyAt(k).column())).orElseThrow();
            throw backup.error(backup.keyAt(later), exactlyOne + ", not " + String.join(" and ", set));
        }
        if (pin.isPresent()) {
            return new UpstreamTrust.Pin(Fingerprint.parse(pin.get()).orElseThrow(() -> backup.error(
                    backup.valueAt("pin-sha256"), backup.name("pin-sha256") + " is not a SHA-256 fingerprint (32 bytes "
                            + "as AB:CD:... or 64 hex digits): " + whatItIs(pin.get()))));
        }
        if (ca.isPresent()) {
            Path file = folder.resolve(ca.get()).normalize();
            Optional<String> unreadable = FileProblem.of(file);
            if (unreadable.isPresent()) {
                throw backup.error(backup.valueAt("ca"), backup.name("ca") + ": " + unreadable.get());
            }
            try {
                PemFiles.readCertificates(file);
            } catch (IOException | GeneralSecurityException e) {
                throw backup.error(backup.valueAt("ca"), backup.name("ca") + ": " + FileProblem.pem(file, e));
            }
            return new UpstreamTrust.Ca(file);
        }
        return new UpstreamTrust.Insecure();
    }

    /** Why a pin is not a SHA-256 fingerprint, as far as can be told. */
    private static String whatItIs(String pin) {
        String hex = pin.replaceAll("[\\s:]", "");
        java.util.regex.Matcher other = Pattern.compile("[^0-9A-Fa-f]").matcher(hex);
        if (other.find()) {
            return "'" + other.group() + "' is not a hex digit";
        }
        if (hex.length() == 40) {
            return "it has 40 hex digits, a SHA-1 fingerprint; carpgate needs the SHA-256 one "
                    + "(carpgate fingerprint https://BACKUP prints it)";
        }
        return "it has " + hex.length() + " hex digits, not 64";
    }

    private static ApiCredentials credentials(Section backup, Path folder, Map<String, String> env, List<Path> inputs,
                                              boolean several) throws ConfigException {
        String key = env.get(ConfigLoader.ENV_API_KEY);
        String secret = env.get(ConfigLoader.ENV_API_SECRET);
        String both = ConfigLoader.ENV_API_KEY + "/" + ConfigLoader.ENV_API_SECRET;
        if ((key != null || secret != null) && several) {
            throw new ConfigException(backup.file() + ": " + both + " name one backup's credentials; with pairs, give "
                    + "each pair its own backup.api-credentials file and unset them");
        }
        if (key != null || secret != null) {
            if (key == null || key.isBlank() || secret == null || secret.isBlank()) {
                throw new ConfigException(backup.file() + ": set both " + ConfigLoader.ENV_API_KEY + " and "
                        + ConfigLoader.ENV_API_SECRET + ", or neither");
            }
            return new ApiCredentials(key, secret);
        }
        Optional<String> file = backup.text("api-credentials");
        if (file.isEmpty()) {
            throw backup.here(backup.name("api-credentials") + " is missing (a file with the backup API's key:secret), "
                    + "and " + both + " are not set");
        }
        Path path = folder.resolve(file.get()).normalize();
        Optional<String> unreadable = FileProblem.of(path);
        if (unreadable.isPresent()) {
            throw backup.error(backup.valueAt("api-credentials"), backup.name("api-credentials") + ": " + unreadable.get());
        }
        inputs.add(path);
        return CredentialsFile.read(path);
    }
}
