package io.carpgate.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who may talk to carpgate: client addresses ({@code allow-from}; loopback only when not configured) and,
 * optionally, the Basic user names the master may use ({@code allowed-users}).
 */
public record Access(Optional<List<Cidr>> allowFrom, Optional<Set<String>> allowedUsers) {
    public Access {
        allowFrom = allowFrom.map(List::copyOf);
        allowedUsers = allowedUsers.map(Set::copyOf);
    }

    public static Access loopbackOnly() {
        return new Access(Optional.empty(), Optional.empty());
    }

    /** Every address, IPv4 and IPv6: for a listener that leaves who may connect to the network (the admin one). */
    public static Access anyAddress() {
        return new Access(Optional.of(List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("::/0"))), Optional.empty());
    }

    public boolean addressAllowed(InetAddress client) {
        return allowFrom.map(blocks -> blocks.stream().anyMatch(b -> b.contains(client)))
                .orElseGet(() -> Cidr.isLoopback(client));
    }

    public boolean userAllowed(Optional<String> user) {
        return allowedUsers.map(users -> user.isPresent() && users.contains(user.get())).orElse(true);
    }

    public String describe() {
        String who = allowFrom.map(b -> "allow-from " + b).orElse("allow-from not set: only loopback may connect");
        return who + allowedUsers.map(u -> "; allowed-users " + new java.util.TreeSet<>(u)).orElse("");
    }
}
