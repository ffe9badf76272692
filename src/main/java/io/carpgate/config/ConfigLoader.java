package io.carpgate.config;

import io.carpgate.policy.OnUnknownCarp;
import io.carpgate.tls.Fingerprint;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
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

        URI url = backupUrl(source, raw.backup().url());
        UpstreamTrust trust = trust(source, folder, raw.backup());
        ApiCredentials credentials = credentials(source, folder, raw.backup().apiCredentials(), env);
        Optional<Path> map = Optional.ofNullable(raw.vhidMap()).map(folder::resolve).map(Path::normalize);
        OnUnknownCarp onUnknown = "forward".equals(raw.onUnknownCarp()) ? OnUnknownCarp.FORWARD : OnUnknownCarp.SUPPRESS;
        Limits limits = raw.limits() == null ? Limits.defaults() : raw.limits().limits();

        return new CarpgateConfig(source,
                new CarpgateConfig.Listen(raw.listen().host(), raw.listen().port()),
                new CarpgateConfig.TlsFiles(folder.resolve(raw.tls().cert()).normalize(),
                        folder.resolve(raw.tls().key()).normalize()),
                new Backup(url, trust, credentials), map, onUnknown,
                folder.resolve(raw.logs().dir()).normalize(), limits, raw.access(), raw.runMode());
    }

    private static URI backupUrl(Path source, String text) throws ConfigException {
        try {
            URI uri = new URI(text.trim());
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new ConfigException(source + ": backup.url must be https://HOST[:PORT][/PATH], not '" + text + "'");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new ConfigException(source + ": backup.url takes no user, query or fragment");
            }
            String base = uri.toString();
            while (base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            return URI.create(base);
        } catch (URISyntaxException e) {
            throw new ConfigException(source + ": backup.url is not a URL: " + e.getReason());
        }
    }

    private static UpstreamTrust trust(Path source, Path folder, RawConfig.RawBackup backup) throws ConfigException {
        if (backup.pinSha256() != null) {
            return new UpstreamTrust.Pin(Fingerprint.parse(backup.pinSha256()).orElseThrow());
        }
        if (backup.ca() != null) {
            Path ca = folder.resolve(backup.ca()).normalize();
            if (!Files.isReadable(ca)) {
                throw new ConfigException(source + ": backup.ca " + ca + " is not a readable file");
            }
            return new UpstreamTrust.Ca(ca);
        }
        return new UpstreamTrust.Insecure();
    }

    private static ApiCredentials credentials(Path source, Path folder, String file, Map<String, String> env)
            throws ConfigException {
        String key = env.get(ENV_API_KEY);
        String secret = env.get(ENV_API_SECRET);
        if (key != null || secret != null) {
            if (key == null || key.isBlank() || secret == null || secret.isBlank()) {
                throw new ConfigException(source + ": set both " + ENV_API_KEY + " and " + ENV_API_SECRET + ", or neither");
            }
            return new ApiCredentials(key, secret);
        }
        if (file == null) {
            throw new ConfigException(source + ": backup.api-credentials is missing (a file with the backup API's "
                    + "key:secret), and " + ENV_API_KEY + "/" + ENV_API_SECRET + " are not set");
        }
        return CredentialsFile.read(folder.resolve(file).normalize());
    }
}
