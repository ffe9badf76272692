package io.carpgate.admin;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Host values the admin listener answers: {@code admin.hosts} (default localhost, 127.0.0.1, [::1]) and its own
 * bind address, with any port. Against DNS rebinding: a page from {@code evil.example} whose name now resolves to
 * 127.0.0.1 still sends {@code Host: evil.example}, which is not on the list. When the listener is bound to every
 * address (0.0.0.0, ::, as in a container) any IP address is its own, so an IP literal is accepted: a browser only
 * sends one when the page came from that very address, which DNS cannot rebind.
 */
final class AdminHosts {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+]");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    private final Set<String> names;
    private final boolean anyAddress;

    AdminHosts(String bindHost, List<String> names) {
        String bind = bindHost.trim().toLowerCase(Locale.ROOT);
        this.anyAddress = bind.isEmpty() || bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]");
        String bound = bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
        this.names = java.util.stream.Stream.concat(names.stream().map(n -> n.toLowerCase(Locale.ROOT)),
                java.util.stream.Stream.of(bound)).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether a request with this Host header is for this listener; a request without one names nothing. */
    boolean answers(Optional<String> hostHeader) {
        if (hostHeader.isEmpty()) {
            return true; // HTTP/1.0 without Host: no browser sends that, so no rebinding either
        }
        return name(hostHeader.get().trim().toLowerCase(Locale.ROOT))
                .map(name -> names.contains(name) || (anyAddress && (IPV4.matcher(name).matches()
                        || IPV6.matcher(name).matches())))
                .orElse(false);
    }

    /** The name without its port, or empty when the value is malformed (an unbracketed IPv6 address, a bad port). */
    static Optional<String> name(String host) {
        String name = host;
        String port = "";
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            if (end < 0) {
                return Optional.empty();
            }
            name = host.substring(0, end + 1);
            String rest = host.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return Optional.empty();
                }
                port = rest.substring(1);
            }
        } else if (host.indexOf(':') >= 0) {
            if (host.indexOf(':') != host.lastIndexOf(':')) {
                return Optional.empty();
            }
            name = host.substring(0, host.indexOf(':'));
            port = host.substring(host.indexOf(':') + 1);
        }
        if (host.endsWith(":") || (!port.isEmpty() && !PORT.matcher(port).matches())) {
            return Optional.empty();
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1); // "localhost." is localhost
        }
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }
}
