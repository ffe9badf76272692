package io.carpgate.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simulated node's network as its read-only diagnostics API shows it: {@code get_interface_statistics}
 * ({@code netstat -i} rows: name, flags, address), {@code get_bpf_statistics} ({@code netstat -B}: which process
 * listens on which interface) and {@code get_routes} ({@code netstat -r} rows: destination, netif). Derived from
 * what the node holds: a WireGuard instance's {@code wgN} exists from the restore on, up only while the node runs it,
 * with a route for each peer's networks either way (OPNsense installs them for an instance it keeps down); a running
 * OpenVPN client's {@code ovpncN} with its {@code route} networks; each VIP's address on its interface's device; a
 * running DHCP relay's BPF listener on its interface. Tests add routes of their own with {@link #route}.
 */
public final class SimNetwork {
    static final String INTERFACES = "/api/diagnostics/interface/get_interface_statistics";
    static final String BPF = "/api/diagnostics/interface/get_bpf_statistics";
    static final String ROUTES = "/api/diagnostics/interface/get_routes";
    /** IFF_UP|IFF_BROADCAST|IFF_RUNNING|IFF_SIMPLEX|IFF_MULTICAST, as an up Ethernet interface shows. */
    private static final String ETHER_UP = "0x8843";
    /** IFF_UP|IFF_POINTOPOINT|IFF_RUNNING|IFF_MULTICAST: an up tunnel. */
    private static final String TUNNEL_UP = "0x8051";
    /** IFF_POINTOPOINT|IFF_MULTICAST: a tunnel that exists but is down. */
    private static final String TUNNEL_DOWN = "0x8010";

    private final BackupState state;
    private final List<String[]> extraRoutes = new ArrayList<>();

    SimNetwork(BackupState state) {
        this.state = state;
    }

    /** One more route in the node's table ({@code 10.99.0.0/24} into {@code wg0}), as a static route would add. */
    public synchronized void route(String destination, String device) {
        extraRoutes.add(new String[] {destination, device});
    }

    /** The device OPNsense gives an interface of the node ({@code lan} → {@code vtnet0}, in order of first use). */
    String deviceOf(String iface) {
        List<String> seen = new ArrayList<>();
        for (SimVip v : state.vips()) {
            if (!seen.contains(v.iface().toLowerCase(java.util.Locale.ROOT))) {
                seen.add(v.iface().toLowerCase(java.util.Locale.ROOT));
            }
        }
        for (StoredRelay r : state.relays().values()) {
            if (!seen.contains(r.iface().toLowerCase(java.util.Locale.ROOT))) {
                seen.add(r.iface().toLowerCase(java.util.Locale.ROOT));
            }
        }
        int index = seen.indexOf(iface.toLowerCase(java.util.Locale.ROOT));
        return "vtnet" + (index < 0 ? seen.size() : index);
    }

    Map<String, Object> interfaceStatistics() {
        Map<String, Object> rows = new LinkedHashMap<>();
        for (SimVip v : state.vips()) {
            String device = deviceOf(v.iface());
            rows.put("[" + v.ifaceDescription() + "] (" + device + ") / " + v.address(),
                    row(device, ETHER_UP, v.address()));
        }
        for (Tunnel t : tunnels()) {
            rows.put("[" + t.device() + "] / " + t.device(), row(t.device(), t.up() ? TUNNEL_UP : TUNNEL_DOWN, t.device()));
        }
        rows.put("[lo0] / 127.0.0.1", row("lo0", "0x8049", "127.0.0.1"));
        return Map.of("statistics", rows);
    }

    Map<String, Object> bpfStatistics() {
        List<Object> entries = new ArrayList<>();
        int pid = 4100;
        for (String uuid : state.relaysRunning()) {
            StoredRelay relay = state.relays().get(uuid);
            if (relay == null || relay.server().contains(":")) {
                continue; // dhcrelay.inc runs dhcrelay6 for an IPv6 destination: it listens on sockets, no BPF
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("pid", pid++);
            e.put("interface-name", deviceOf(relay.iface()));
            e.put("received-packets", 0);
            e.put("dropped-packets", 0);
            e.put("process", "dhcrelay");
            entries.add(e);
        }
        return Map.of("bpf-statistics", Map.of("bpf-entry", entries));
    }

    List<Object> routes() {
        List<Object> out = new ArrayList<>();
        for (Tunnel t : tunnels()) {
            t.networks().forEach(n -> out.add(routeRow(n, t.device())));
        }
        synchronized (this) {
            extraRoutes.forEach(r -> out.add(routeRow(r[0], r[1])));
        }
        return out;
    }

    /** A tunnel device of the node, whether it is up, and the networks routed into it. */
    private record Tunnel(String device, boolean up, List<String> networks) {}

    private List<Tunnel> tunnels() {
        List<Tunnel> out = new ArrayList<>();
        java.util.Set<String> wgUp = state.wireguardUp();
        java.util.Set<String> ovpnUp = state.openvpnRunning();
        state.readConfig(config -> {
            Map<String, List<String>> peerNets = new LinkedHashMap<>();
            for (Map<?, ?> peer : BackupState.items(config, "OPNsense", "wireguard", "client", "clients", "client")) {
                peerNets.put(uuid(peer), networks(text(peer, "tunneladdress")));
            }
            for (Map<?, ?> server : BackupState.items(config, "OPNsense", "wireguard", "server", "servers", "server")) {
                String instance = text(server, "instance");
                if (!instance.matches("\\d+")) {
                    continue;
                }
                List<String> nets = new ArrayList<>();
                for (String peer : text(server, "peers").split(",")) {
                    nets.addAll(peerNets.getOrDefault(peer.trim(), List.of()));
                }
                out.add(new Tunnel("wg" + instance, wgUp.contains(uuid(server)), nets));
            }
            for (Map<?, ?> instance : BackupState.items(config, "OPNsense", "OpenVPN", "Instances", "Instance")) {
                String vpnid = text(instance, "vpnid");
                if (!vpnid.matches("\\d+") || !ovpnUp.contains(uuid(instance))) {
                    continue; // openvpn creates its device when it starts and destroys it when it stops
                }
                String role = text(instance, "role").equals("client") ? "c" : "s"; // the model's default: server
                out.add(new Tunnel("ovpn" + role + vpnid, true, networks(text(instance, "route"))));
            }
            return null;
        });
        return out;
    }

    private static Map<String, Object> row(String device, String flags, String address) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", device);
        r.put("flags", flags);
        r.put("mtu", 1500);
        r.put("network", "<Link>");
        r.put("address", address);
        r.put("received-packets", 0);
        r.put("sent-packets", 0);
        return r;
    }

    private static Map<String, Object> routeRow(String destination, String device) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("proto", destination.contains(":") ? "ipv6" : "ipv4");
        r.put("destination", destination);
        r.put("gateway", "link#9");
        r.put("flags", "US");
        r.put("use", "0");
        r.put("mtu", "1420");
        r.put("netif", device);
        r.put("expire", "");
        r.put("intf_description", "");
        r.put("id", destination + ",link#9");
        return r;
    }

    /**
     * The structs at {@code keys} below {@code root}: any step may be one struct or an array of them (OPNsense's
     * {@code listtags()} makes WireGuard's {@code servers} an array, docs/PROTOCOL.md).
     */
    private static String uuid(Map<?, ?> item) {
        Object attributes = item.get("@attributes");
        return Optional.ofNullable(attributes instanceof Map<?, ?> a ? a.get("uuid") : null).map(Php::toStringValue)
                .orElse("");
    }

    private static String text(Map<?, ?> item, String field) {
        return item.containsKey(field) ? Php.toStringValue(item.get(field)).trim() : "";
    }

    /** {@code 10.77.0.2/32,10.20.0.0/24} → each network as written. */
    private static List<String> networks(String list) {
        List<String> out = new ArrayList<>();
        for (String n : list.split(",")) {
            if (!n.isBlank()) {
                out.add(n.trim());
            }
        }
        return out;
    }
}
