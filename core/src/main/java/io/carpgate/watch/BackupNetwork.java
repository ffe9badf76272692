package io.carpgate.watch;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the backup's read-only API says of its network at one moment (besides CARP).
 *
 * @param up every interface the backup lists, and whether it is up ({@code IFF_UP})
 * @param addresses which interface holds each address (a CARP VIP's address sits on its parent interface)
 * @param routes the routing table
 * @param relayDevices the interfaces a {@code dhcrelay} process listens on (its BPF descriptors), empty when the
 *     backup's answer did not say
 */
public record BackupNetwork(Map<String, Boolean> up, Map<String, String> addresses, List<Route> routes,
                            Optional<Set<String>> relayDevices) {
    public BackupNetwork {
        up = Map.copyOf(up);
        addresses = Map.copyOf(addresses);
        routes = List.copyOf(routes);
        relayDevices = relayDevices.map(Set::copyOf);
    }

    public boolean isUp(String device) {
        return up.getOrDefault(device, false);
    }

    /**
     * The destinations routed into each device, in the table's order, each once: one pass over the table, for a
     * caller that asks of many devices (the backup's table and interface list are its own to choose: asking each
     * of tens of thousands of interfaces over a table of a hundred thousand routes would cost their product).
     */
    public Map<String, List<String>> routedIntoEach() {
        Map<String, java.util.LinkedHashSet<String>> byDevice = new java.util.HashMap<>();
        for (Route route : routes) {
            byDevice.computeIfAbsent(route.device(), d -> new java.util.LinkedHashSet<>()).add(route.destination());
        }
        Map<String, List<String>> out = new java.util.HashMap<>();
        byDevice.forEach((device, destinations) -> out.put(device, List.copyOf(destinations)));
        return out;
    }
}
