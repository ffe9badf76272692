package io.carpgate.config;

import io.carpgate.tls.Fingerprint;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code run} (at start and at each reload) and {@code check} warn about: settings that weaken what carpgate
 * protects, and values left as in the shipped example, which cannot work for a real pair. Warnings never stop
 * carpgate; they say what to change.
 */
public final class ConfigWarnings {
    /** The placeholders of {@code conf/backup-api.txt} start with this. */
    public static final String EXAMPLE_CREDENTIALS = "EXAMPLE-REPLACE-ME";
    /** The pin in {@code conf/carpgate.yml}. */
    public static final Fingerprint EXAMPLE_PIN = new Fingerprint(
            "5D:41:40:2A:BC:4B:2A:76:B9:71:9D:91:10:17:C5:92:5D:41:40:2A:BC:4B:2A:76:B9:71:9D:91:10:17:C5:92");
    /** Address blocks reserved for documentation (RFC 5737, RFC 3849): the example's, never a real host's. */
    private static final List<Cidr> DOCUMENTATION = List.of(Cidr.parse("192.0.2.0/24"), Cidr.parse("198.51.100.0/24"),
            Cidr.parse("203.0.113.0/24"), Cidr.parse("2001:db8::/32"));

    private ConfigWarnings() {}

    public static List<String> of(CarpgateConfig config) {
        return of(config, EphemeralPorts.ofThisSystem());
    }

    /** @param ephemeral the system's range of ports it hands out itself (empty: not known) */
    public static List<String> of(CarpgateConfig config, Optional<EphemeralPorts> ephemeral) {
        List<String> warnings = new ArrayList<>();
        ephemeral.ifPresent(range -> {
            ephemeralPort("listen", config.listen(), range, 8443).ifPresent(warnings::add);
            config.admin().flatMap(admin -> ephemeralPort("admin", admin, range, 9180)).ifPresent(warnings::add);
        });
        if (config.mode() == Mode.OBSERVE) {
            warnings.add("mode: observe - carpgate decides and logs but forwards everything unchanged; "
                    + "WireGuard starts are NOT suppressed");
        }
        for (PairConfig pair : config.pairs()) {
            String name = "pair " + pair.name() + ": ";
            Backup backup = pair.backup();
            if (backup.trust() instanceof UpstreamTrust.Insecure) {
                warnings.add(name + "backup.insecure is set: the backup's certificate is NOT verified; anyone on the "
                        + "path can read the sync password and the configuration. Set backup.pin-sha256 "
                        + "(carpgate fingerprint).");
            }
            if (backup.trust() instanceof UpstreamTrust.Pin pin && pin.sha256().equals(EXAMPLE_PIN)) {
                warnings.add(name + "backup.pin-sha256 is the example's placeholder, not your backup's certificate: "
                        + "carpgate will refuse the backup until it is replaced (carpgate fingerprint https://BACKUP "
                        + "prints the real one)");
            }
            if (backup.apiCredentials().key().startsWith(EXAMPLE_CREDENTIALS)
                    || backup.apiCredentials().secret().startsWith(EXAMPLE_CREDENTIALS)) {
                warnings.add(name + "the API key and secret are the example's placeholders (" + EXAMPLE_CREDENTIALS
                        + "…): the backup will refuse them; use the apikey.txt of carpgate's API user on the backup");
            }
            documentation(backup.url().getHost()).ifPresent(rfc -> warnings.add(name + "backup.url " + backup.url()
                    + " is a documentation address (" + rfc + "), as in the example: put your backup's address there"));
        }
        for (Cidr block : config.access().allowFrom().orElse(List.of())) {
            documentation(block).ifPresent(rfc -> warnings.add("allow-from " + block + " is a documentation address ("
                    + rfc + "), as in the example: your master's real address would have its connection closed before TLS"));
        }
        config.admin().filter(a -> !isLoopback(a.host())).ifPresent(a -> warnings.add("admin listener on " + a.host()
                + ": it is plain HTTP without authentication; keep it on a management network"));
        return warnings;
    }

    /** @param usual the example configuration's port for {@code key} */
    private static Optional<String> ephemeralPort(String key, CarpgateConfig.Listen listen, EphemeralPorts range,
                                                  int usual) {
        if (listen.port() == 0 || !range.contains(listen.port())) {
            return Optional.empty();
        }
        return Optional.of(key + ".port " + listen.port() + " is in this system's ephemeral port range (" + range
                + "), from which it gives ports to outgoing connections and to carpgate's own warm-up: one may hold it "
                + "when carpgate starts, and the start then fails; set a port outside it (the example's is " + usual + ")");
    }

    /** The RFC that reserves a literal address for documentation; host names are never looked up. */
    private static Optional<String> documentation(String host) {
        if (host == null) {
            return Optional.empty();
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            return documentation(Cidr.parse(literal));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a name, not an address literal
        }
    }

    private static Optional<String> documentation(Cidr block) {
        InetAddress network;
        try {
            network = InetAddress.getByAddress(block.network());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return DOCUMENTATION.stream()
                .filter(doc -> block.prefix() >= doc.prefix() && doc.contains(network))
                .findFirst()
                .map(doc -> doc.network().length == 4 ? "RFC 5737" : "RFC 3849");
    }

    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("::1") || host.equals("localhost");
    }
}
