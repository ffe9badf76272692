package io.carpgate.config;

import io.carpgate.policy.OnUnknownCarp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and checks {@code carpgate.yml} and the files it names (API credentials, {@code backup.ca}, the listener's
 * certificate and key when they exist); relative paths resolve against the file's folder. Every problem is a
 * {@link ConfigException} at the line and column of what is wrong. Nothing here touches the network.
 */
public final class ConfigLoader {
    static final String ENV_API_KEY = "CARPGATE_BACKUP_API_KEY";
    static final String ENV_API_SECRET = "CARPGATE_BACKUP_API_SECRET";
    private static final String NEEDS = "at least listen, tls, backup and logs";

    /** The admin listener's default: loopback only, a port apart from the sync port. */
    public static final CarpgateConfig.Listen DEFAULT_ADMIN = new CarpgateConfig.Listen("127.0.0.1", 9180);

    private ConfigLoader() {}

    public static CarpgateConfig load(Path file, Map<String, String> env) throws ConfigException {
        Path source = file.toAbsolutePath().normalize();
        byte[] bytes = Yaml.bytes(source, "configuration", NEEDS);
        Section top = Section.top(source, YamlTree.parse(source, bytes, "configuration", NEEDS), ConfigKeys.TOP);
        Path folder = source.getParent();
        List<Path> inputs = new ArrayList<>(List.of(source));

        CarpgateConfig.Listen listen = listen(top.requiredSection("listen", ConfigKeys.LISTEN,
                "host and port carpgate listens on, e.g. {host: 0.0.0.0, port: 8443}"));
        Access access = access(top);
        CarpgateConfig.TlsFiles tls = ListenerFiles.read(top.requiredSection("tls", ConfigKeys.TLS,
                "the listener's PEM certificate and key, e.g. {cert: ../certs/carpgate.crt, key: ../certs/carpgate.key}"),
                folder);
        Mode mode = top.oneOf("mode", List.of("enforce", "observe"))
                .map(m -> m.equals("observe") ? Mode.OBSERVE : Mode.ENFORCE).orElse(Mode.ENFORCE);
        OnUnknownCarp onUnknown = onUnknownCarp(top).orElse(OnUnknownCarp.SUPPRESS);
        List<PairConfig> pairs = PairsReader.read(top, folder, onUnknown, env, inputs);
        // The certificate files too: a renewed certificate is picked up without a restart.
        inputs.add(tls.cert());
        inputs.add(tls.key());
        LogSettings logs = LogsAndLimits.logs(top.requiredSection("logs", ConfigKeys.LOGS,
                "where the logs go, e.g. {dir: ../logs}"), folder);
        Optional<Section> limits = top.section("limits", ConfigKeys.LIMITS);
        Limits limitValues = limits.isPresent() ? LogsAndLimits.limits(limits.get()) : Limits.defaults();
        Optional<Section> adminSection = top.section("admin", ConfigKeys.ADMIN);
        Optional<CarpgateConfig.Listen> admin = admin(adminSection).map(a -> adminHost(env, a));
        Path stateDir = stateDir(top, folder, env);
        WatchSettings watch = WatchSettings.read(top.section("watch", ConfigKeys.WATCH));
        return new CarpgateConfig(source, listen, tls, pairs, logs, limitValues, access, mode, admin,
                inputs.stream().distinct().toList(), adminHosts(adminSection), Optional.of(stateDir), watch);
    }

    /** Set by systemd for a unit's StateDirectory= (the shipped unit's is /var/lib/carpgate). */
    static final String ENV_STATE_DIRECTORY = "STATE_DIRECTORY";

    /**
     * {@code state-dir} as written; without it, under systemd the unit's state directory (so a configuration
     * from before the key existed keeps its memory in /var/lib/carpgate/state, not beside /etc), else
     * {@value CarpgateConfig#DEFAULT_STATE_DIR} from the file's folder.
     */
    private static Path stateDir(Section top, Path folder, Map<String, String> env) throws ConfigException {
        Optional<String> written = top.text("state-dir").map(String::trim).filter(t -> !t.isEmpty());
        if (written.isPresent()) {
            return folder.resolve(written.get()).normalize();
        }
        String systemd = env.getOrDefault(ENV_STATE_DIRECTORY, "").split(":")[0].trim();
        return systemd.isEmpty() ? folder.resolve(CarpgateConfig.DEFAULT_STATE_DIR).normalize()
                : Path.of(systemd).resolve("state");
    }

    static Optional<OnUnknownCarp> onUnknownCarp(Section section) throws ConfigException {
        return section.oneOf("on-unknown-carp", List.of("suppress", "forward"))
                .map(p -> p.equals("forward") ? OnUnknownCarp.FORWARD : OnUnknownCarp.SUPPRESS);
    }

    private static CarpgateConfig.Listen listen(Section listen) throws ConfigException {
        String host = listen.requiredText("host", "an address to listen on, e.g. 0.0.0.0");
        int port = listen.integer("port", 0, 65535, "1..65535 (0: any free port)")
                .orElseThrow(() -> listen.missing("port", "the port the master connects to, e.g. 8443"));
        return new CarpgateConfig.Listen(host.trim(), port);
    }

    private static Access access(Section top) throws ConfigException {
        Optional<List<YamlNode.Scalar>> allowFrom = top.list("allow-from", "no master could connect; list the master's "
                + "address (e.g. [192.0.2.1/32]) or remove the key to allow loopback only");
        Optional<List<Cidr>> blocks = Optional.empty();
        if (allowFrom.isPresent()) {
            List<Cidr> parsed = new ArrayList<>();
            for (YamlNode.Scalar block : allowFrom.get()) {
                parsed.add(top.parse(block.at(), block.text(), text -> {
                    try {
                        return Cidr.parse(text);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("allow-from: " + e.getMessage(), e);
                    }
                }));
            }
            blocks = Optional.of(parsed);
        }
        Optional<List<YamlNode.Scalar>> users = top.list("allowed-users", "list user names, or leave the key out to "
                + "accept any");
        Optional<Set<String>> names = Optional.empty();
        if (users.isPresent()) {
            for (YamlNode.Scalar user : users.get()) {
                if (user.text().isBlank()) {
                    throw top.error(user.at(), "allowed-users must list user names, or be left out to accept any");
                }
            }
            names = Optional.of(Set.copyOf(users.get().stream().map(YamlNode.Scalar::text).toList()));
        }
        return new Access(blocks, names);
    }

    /** Set by the container image: its admin listener must bind the container's interfaces to be published. */
    static final String ENV_ADMIN_HOST = "CARPGATE_ADMIN_HOST";

    private static CarpgateConfig.Listen adminHost(Map<String, String> env, CarpgateConfig.Listen admin) {
        String host = env.get(ENV_ADMIN_HOST);
        return host == null || host.isBlank() ? admin : new CarpgateConfig.Listen(host.trim(), admin.port());
    }

    /** {@code admin.hosts}: names as a browser writes them in Host, without a port ({@code [::1]} for IPv6). */
    private static List<String> adminHosts(Optional<Section> section) throws ConfigException {
        if (section.isEmpty()) {
            return List.of();
        }
        Optional<List<YamlNode.Scalar>> hosts = section.get().list("hosts", "the admin listener would answer no "
                + "name; list them (e.g. [localhost, carpgate.example.net]) or remove the key for the default");
        List<String> names = new ArrayList<>();
        for (YamlNode.Scalar host : hosts.orElse(List.of())) {
            String name = host.text().trim().toLowerCase(java.util.Locale.ROOT);
            if (name.isEmpty() || name.contains(" ") || name.contains("/") || (name.contains(":") && !name.startsWith("["))) {
                throw section.get().error(host.at(), "each entry of admin.hosts must be a host name or address "
                        + "without a port (IPv6 in brackets, e.g. [::1]), not '" + host.text() + "'");
            }
            names.add(name);
        }
        return List.copyOf(names);
    }

    private static Optional<CarpgateConfig.Listen> admin(Optional<Section> section) throws ConfigException {
        if (section.isEmpty()) {
            return Optional.of(DEFAULT_ADMIN);
        }
        Section admin = section.get();
        boolean enabled = admin.bool("enabled").orElse(true);
        Optional<String> host = admin.text("host");
        if (host.isPresent() && host.get().isBlank()) {
            throw admin.error(admin.valueAt("host"), "admin.host is empty");
        }
        Optional<Integer> port = admin.integer("port", 0, 65535, "1..65535 (0: any free port)");
        if (!enabled) {
            return Optional.empty();
        }
        return Optional.of(new CarpgateConfig.Listen(host.map(String::trim).orElse(DEFAULT_ADMIN.host()),
                port.orElse(DEFAULT_ADMIN.port())));
    }
}
