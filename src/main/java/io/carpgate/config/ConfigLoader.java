package io.carpgate.config;

import io.carpgate.policy.OnUnknownCarp;
import io.carpgate.tls.Fingerprint;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads and checks {@code carpgate.yml}; relative paths resolve against the file's folder. */
public final class ConfigLoader {
    static final String ENV_API_KEY = "CARPGATE_BACKUP_API_KEY";
    static final String ENV_API_SECRET = "CARPGATE_BACKUP_API_SECRET";

    private ConfigLoader() {}

    public static CarpgateConfig load(Path file, Map<String, String> env) throws ConfigException {
        Path source = file.toAbsolutePath().normalize();
        RawConfig raw = Yaml.read(source, RawConfig.class);
        Path folder = source.getParent();
        List<Path> inputs = new ArrayList<>(List.of(source));

        OnUnknownCarp defaultOnUnknown = onUnknown(raw.onUnknownCarp(), OnUnknownCarp.SUPPRESS);
        List<PairConfig> pairs = new ArrayList<>();
        if (raw.pairs() == null) {
            pairs.add(pair(source, folder, PairConfig.DEFAULT_NAME, "/", raw.backup(), raw.vhidMap(),
                    defaultOnUnknown, env, inputs));
        } else {
            for (RawConfig.RawPair p : raw.pairs()) {
                pairs.add(pair(source, folder, p.name(), PairConfig.normalPath(p.path()), p.backup(), p.vhidMap(),
                        onUnknown(p.onUnknownCarp(), defaultOnUnknown), env, inputs));
            }
        }
        Limits limits = raw.limits() == null ? Limits.defaults() : raw.limits().limits();
        CarpgateConfig.TlsFiles tls = new CarpgateConfig.TlsFiles(folder.resolve(raw.tls().cert()).normalize(),
                folder.resolve(raw.tls().key()).normalize());
        // The certificate files too: a renewed certificate is picked up without a restart.
        inputs.add(tls.cert());
        inputs.add(tls.key());
        CarpgateConfig.Listen listen = new CarpgateConfig.Listen(raw.listen().host(), raw.listen().port());
        return new CarpgateConfig(source, listen, tls, pairs, logs(folder, raw.logs()), limits, raw.access(),
                raw.runMode(), admin(raw.admin()).map(a -> adminHostFrom(env, a)), inputs.stream().distinct().toList());
    }

    /** The admin listener's default: loopback only, a port apart from the sync port. */
    public static final CarpgateConfig.Listen DEFAULT_ADMIN = new CarpgateConfig.Listen("127.0.0.1", 9180);

    /** Set by the container image: its admin listener must bind all of the container's interfaces to be published. */
    static final String ENV_ADMIN_HOST = "CARPGATE_ADMIN_HOST";

    private static CarpgateConfig.Listen adminHostFrom(Map<String, String> env, CarpgateConfig.Listen admin) {
        String host = env.get(ENV_ADMIN_HOST);
        return host == null || host.isBlank() ? admin : new CarpgateConfig.Listen(host.trim(), admin.port());
    }

    private static Optional<CarpgateConfig.Listen> admin(RawConfig.RawAdmin admin) {
        if (admin == null) {
            return Optional.of(DEFAULT_ADMIN);
        }
        if (Boolean.FALSE.equals(admin.enabled())) {
            return Optional.empty();
        }
        return Optional.of(new CarpgateConfig.Listen(admin.host() == null ? DEFAULT_ADMIN.host() : admin.host(),
                admin.port() == null ? DEFAULT_ADMIN.port() : admin.port()));
    }

    private static LogSettings logs(Path folder, RawConfig.RawLogs raw) {
        LogSettings d = LogSettings.defaults(folder.resolve(raw.dir()).normalize());
        return new LogSettings(d.dir(),
                raw.retentionDays() == null ? d.retentionDays() : raw.retentionDays(),
                raw.maxFileSize() == null ? d.maxFileBytes() : Units.size(raw.maxFileSize(), "logs.max-file-size"),
                raw.totalSizeCap() == null ? d.totalSizeCapBytes() : Units.bigSize(raw.totalSizeCap(), "logs.total-size-cap"),
                raw.level() == null ? d.level() : LogSettings.Level.parse(raw.level()));
    }

    private static OnUnknownCarp onUnknown(String text, OnUnknownCarp otherwise) {
        if (text == null) {
            return otherwise;
        }
        return "forward".equals(text) ? OnUnknownCarp.FORWARD : OnUnknownCarp.SUPPRESS;
    }

    private static PairConfig pair(Path source, Path folder, String name, String path, RawConfig.RawBackup backup,
                                   String vhidMap, OnUnknownCarp onUnknown, Map<String, String> env, List<Path> inputs)
            throws ConfigException {
        String where = PairConfig.DEFAULT_NAME.equals(name) && "/".equals(path) ? "" : "pairs[" + name + "].";
        URI url = backupUrl(source, where, backup.url());
        UpstreamTrust trust = trust(source, folder, where, backup);
        if (trust instanceof UpstreamTrust.Ca ca) {
            inputs.add(ca.file());
        }
        ApiCredentials credentials = credentials(source, folder, where, backup.apiCredentials(), env, inputs);
        Optional<Path> map = Optional.ofNullable(vhidMap).map(folder::resolve).map(Path::normalize);
        map.ifPresent(inputs::add);
        return new PairConfig(name, path, new Backup(url, trust, credentials), map, onUnknown);
    }

    private static URI backupUrl(Path source, String where, String text) throws ConfigException {
        try {
            URI uri = new URI(text.trim());
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new ConfigException(source + ": " + where + "backup.url must be https://HOST[:PORT][/PATH], not '" + text + "'");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new ConfigException(source + ": " + where + "backup.url takes no user, query or fragment");
            }
            String base = uri.toString();
            while (base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            return URI.create(base);
        } catch (URISyntaxException e) {
            throw new ConfigException(source + ": " + where + "backup.url is not a URL: " + e.getReason());
        }
    }

    private static UpstreamTrust trust(Path source, Path folder, String where, RawConfig.RawBackup backup) throws ConfigException {
        if (backup.pinSha256() != null) {
            return new UpstreamTrust.Pin(Fingerprint.parse(backup.pinSha256()).orElseThrow());
        }
        if (backup.ca() != null) {
            Path ca = folder.resolve(backup.ca()).normalize();
            if (!Files.isReadable(ca)) {
                throw new ConfigException(source + ": " + where + "backup.ca " + ca + " is not a readable file");
            }
            return new UpstreamTrust.Ca(ca);
        }
        return new UpstreamTrust.Insecure();
    }

    private static ApiCredentials credentials(Path source, Path folder, String where, String file,
                                              Map<String, String> env, List<Path> inputs) throws ConfigException {
        String key = env.get(ENV_API_KEY);
        String secret = env.get(ENV_API_SECRET);
        if ((key != null || secret != null) && !where.isEmpty()) {
            throw new ConfigException(source + ": " + ENV_API_KEY + "/" + ENV_API_SECRET + " name one backup's "
                    + "credentials; with pairs, give each pair its own backup.api-credentials file and unset them");
        }
        if (key != null || secret != null) {
            if (key == null || key.isBlank() || secret == null || secret.isBlank()) {
                throw new ConfigException(source + ": set both " + ENV_API_KEY + " and " + ENV_API_SECRET + ", or neither");
            }
            return new ApiCredentials(key, secret);
        }
        if (file == null) {
            throw new ConfigException(source + ": " + where + "backup.api-credentials is missing (a file with the backup API's "
                    + "key:secret), and " + ENV_API_KEY + "/" + ENV_API_SECRET + " are not set");
        }
        Path path = folder.resolve(file).normalize();
        inputs.add(path);
        return CredentialsFile.read(path);
    }
}
