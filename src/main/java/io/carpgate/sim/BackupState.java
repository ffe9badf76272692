package io.carpgate.sim;

import io.carpgate.carp.CarpStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the simulated OPNsense node holds and does: its config, the items with a CARP dependency (WireGuard
 * instances, OpenVPN instances, DHCP relays), CARP states and services, each as OPNsense's own code decides
 * (docs/PROTOCOL.md). Independent of carpgate's policy on purpose: it is what carpgate is tested against.
 * All access is under this object's monitor because Jetty serves requests concurrently.
 */
final class BackupState {
    private List<SimVip> vips;
    private final List<SimService> otherServices;
    /** CARP state belongs to a VHID on an interface, not to a VIP's uuid: it survives a VIP sync. */
    private final Map<String, CarpStatus> statusByVhid = new HashMap<>();
    private final Map<String, Object> config = new LinkedHashMap<>();
    private final Map<String, StoredInstance> instances = new LinkedHashMap<>();
    private final Set<String> wireguardUp = new LinkedHashSet<>();
    private final Map<String, StoredOpenVpnInstance> openvpn = new LinkedHashMap<>();
    private final Set<String> openvpnRunning = new LinkedHashSet<>();
    private final Map<String, StoredRelay> relays = new LinkedHashMap<>();
    private final Set<String> relaysRunning = new LinkedHashSet<>();
    private final Set<String> stoppedOthers = new LinkedHashSet<>();
    private final List<ServiceEvent> events = new ArrayList<>();
    private final List<WireguardStart> wireguardStarts = new ArrayList<>();
    private long restoresStored;
    /** Interfaces, routes and listeners as the node's read-only API shows them (the watch's view); its own file. */
    private final SimNetwork network = new SimNetwork(this);

    BackupState(List<SimVip> vips, List<SimService> otherServices) {
        this.vips = List.copyOf(vips);
        this.otherServices = List.copyOf(otherServices);
    }

    synchronized List<SimVip> vips() {
        return vips;
    }

    SimNetwork network() {
        return network;
    }

    /** Reads the stored config under this object's monitor (SimNetwork derives devices and routes from it). */
    synchronized <T> T readConfig(java.util.function.Function<Map<String, Object>, T> reader) {
        return reader.apply(config);
    }

    /**
     * Start pressed on the node's own GUI (or its shell): the WireGuard instance or OpenVPN instance with this uuid
     * comes up whatever CARP says, with no call through carpgate. Returns whether the node has such an item.
     */
    synchronized boolean startedOutsideSync(String uuid) {
        if (instances.containsKey(uuid)) {
            wireguardUp.add(uuid);
            events.add(new ServiceEvent("gui-start", "wireguard", uuid, "up"));
        } else if (openvpn.containsKey(uuid)) {
            openvpnRunning.add(uuid);
            events.add(new ServiceEvent("gui-start", "openvpn", uuid, "up"));
        } else {
            return false;
        }
        return true;
    }

    /** A DHCP relay's process ended on the node (killed, crashed): nothing starts it until its next configure. */
    synchronized void relayEnded(String uuid) {
        relaysRunning.remove(uuid);
        events.add(new ServiceEvent("ended", "dhcrelay", uuid, "down"));
    }

    private static String key(int vhid, String iface) {
        return vhid + "@" + iface.toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * {@code iface} is the internal name or the description; both are what operators write. A change of state
     * runs what {@code /usr/local/etc/rc.syshook.d/carp/} runs on OPNsense (PROTOCOL.md): WireGuard and OpenVPN
     * {@code configure}, and the DHCP relays when one of them tracks CARP.
     */
    synchronized void setCarpStatus(int vhid, String iface, CarpStatus status) {
        List<SimVip> matching = vips.stream()
                .filter(v -> v.vhid() == vhid)
                .filter(v -> v.iface().equalsIgnoreCase(iface) || v.ifaceDescription().equalsIgnoreCase(iface))
                .toList();
        if (matching.isEmpty()) {
            throw new IllegalArgumentException("simulated backup has no VIP with VHID " + vhid + " on " + iface);
        }
        boolean changed = false;
        for (SimVip v : matching) {
            changed |= statusOf(v) != status;
            statusByVhid.put(key(v.vhid(), v.iface()), status);
        }
        if (changed) {
            carpEvent(vhid);
        }
    }

    synchronized CarpStatus statusOf(SimVip vip) {
        return statusByVhid.getOrDefault(key(vip.vhid(), vip.iface()), CarpStatus.BACKUP);
    }

    synchronized Map<String, StoredInstance> instances() {
        return Map.copyOf(instances);
    }

    synchronized Set<String> wireguardUp() {
        return Set.copyOf(wireguardUp);
    }

    synchronized Map<String, StoredOpenVpnInstance> openvpnInstances() {
        return Map.copyOf(openvpn);
    }

    synchronized Set<String> openvpnRunning() {
        return Set.copyOf(openvpnRunning);
    }

    synchronized Map<String, StoredRelay> relays() {
        return Map.copyOf(relays);
    }

    synchronized Set<String> relaysRunning() {
        return Set.copyOf(relaysRunning);
    }

    synchronized List<ServiceEvent> events() {
        return List.copyOf(events);
    }

    synchronized long restoresStored() {
        return restoresStored;
    }

    synchronized List<WireguardStart> wireguardStarts() {
        return List.copyOf(wireguardStarts);
    }

    synchronized void resetRecordings() {
        events.clear();
        wireguardStarts.clear();
    }

    Map<String, Object> firmwareVersion() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("base", Map.of("version", "25.7"));
        out.put("firmware", Map.of("version", "25.7"));
        out.put("kernel", Map.of("version", "25.7"));
        return out;
    }

    /**
     * restore_config_section: each top-level section replaces the stored one; {@code OPNsense} is merged one
     * level deeper (per module) as the real backup does. CARP VIPs in {@code virtualip.vip} replace the
     * node's own, uuids included, as OPNsense's restore does for VIPs not marked "No XMLRPC sync".
     */
    @SuppressWarnings("unchecked")
    synchronized boolean restoreConfigSection(Object sections) {
        restoresStored++;
        if (sections instanceof Map<?, ?> map) {
            map.forEach((key, data) -> {
                String section = String.valueOf(key);
                if (section.equals("OPNsense") && data instanceof Map<?, ?> modules
                        && config.get("OPNsense") instanceof Map<?, ?> stored) {
                    ((Map<String, Object>) stored).putAll((Map<String, Object>) modules);
                } else {
                    config.put(section, data instanceof Map<?, ?> m ? new LinkedHashMap<>(m) : data);
                }
            });
            reloadInstances();
            Object payloadVips = path(map, "virtualip", "vip");
            if (payloadVips != null) {
                vips = mergedVips(payloadVips);
            }
        }
        return true;
    }

    private static int number(Object value) {
        String text = Php.toStringValue(value).trim();
        return text.matches("[0-9]{1,9}") ? Integer.parseInt(text) : 0;
    }

    private List<SimVip> mergedVips(Object payload) {
        List<?> list = payload instanceof List<?> l ? l : List.of(payload);
        List<SimVip> merged = new ArrayList<>();
        for (Object entry : list) {
            if (entry instanceof Map<?, ?> vip && "carp".equals(Php.toStringValue(vip.get("mode")))) {
                String iface = Php.toStringValue(vip.get("interface"));
                String description = vips.stream().filter(v -> v.iface().equalsIgnoreCase(iface))
                        .map(SimVip::ifaceDescription).findFirst().orElse(iface.toUpperCase(java.util.Locale.ROOT));
                merged.add(new SimVip(Php.toStringValue(path(vip, "@attributes", "uuid")), iface, description,
                        number(vip.get("vhid")), Php.toStringValue(vip.get("subnet")),
                        number(vip.get("subnet_bits")), Php.toStringValue(vip.get("descr"))));
            }
        }
        return List.copyOf(merged);
    }

    synchronized Map<String, Object> backupConfigSection(Object names) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<?> wanted = names instanceof List<?> l ? l : List.of(names);
        wanted.forEach(n -> {
            String name = Php.toStringValue(n);
            if (config.containsKey(name)) {
                out.put(name, config.get(name));
            }
        });
        return out;
    }

    /** What each model reads from the stored config after a restore (the models read config.xml, in order). */
    private void reloadInstances() {
        instances.clear();
        for (Map<?, ?> server : items(config, "OPNsense", "wireguard", "server", "servers", "server")) {
            String uuid = Php.toStringValue(path(server, "@attributes", "uuid"));
            instances.put(uuid, new StoredInstance(uuid, Php.toStringValue(server.get("name")),
                    "1".equals(Php.toStringValue(server.get("enabled"))),
                    Php.toStringValue(server.get("carp_depend_on"))));
        }
        openvpn.clear();
        for (Map<?, ?> instance : items(config, "OPNsense", "OpenVPN", "Instances", "Instance")) {
            String uuid = Php.toStringValue(path(instance, "@attributes", "uuid"));
            // The model's default role is server; an enabled field is "non-empty" in ovpn_service_control.php.
            String role = instance.containsKey("role") ? Php.toStringValue(instance.get("role")) : "server";
            openvpn.put(uuid, new StoredOpenVpnInstance(uuid, Php.toStringValue(instance.get("description")), role,
                    !Php.empty(instance.get("enabled")), Php.toStringValue(instance.get("carp_depend_on"))));
        }
        Map<String, String> destinations = new HashMap<>();
        for (Map<?, ?> destination : items(config, "OPNsense", "DHCRelay", "destinations")) {
            destinations.put(Php.toStringValue(path(destination, "@attributes", "uuid")),
                    Php.toStringValue(destination.get("server")));
        }
        relays.clear();
        for (Map<?, ?> relay : items(config, "OPNsense", "DHCRelay", "relays")) {
            String uuid = Php.toStringValue(path(relay, "@attributes", "uuid"));
            String destination = Php.toStringValue(relay.get("destination"));
            relays.put(uuid, new StoredRelay(uuid, Php.toStringValue(relay.get("interface")),
                    "1".equals(Php.toStringValue(relay.get("enabled"))), destination,
                    destinations.getOrDefault(destination, ""), Php.toStringValue(relay.get("carp_depend_on"))));
        }
    }

    /**
     * The structs at {@code keys}: each step may be one struct or a list of them (a repeated element, or one
     * that {@code listtags()} forces into a list, as {@code servers}); an empty element ({@code ''}) has none.
     */
    private static List<Map<?, ?>> items(Object root, String... keys) {
        List<Object> level = List.of(root);
        for (String key : keys) {
            List<Object> next = new ArrayList<>();
            for (Object at : level) {
                Object value = at instanceof Map<?, ?> map ? map.get(key) : null;
                if (value instanceof List<?> list) {
                    next.addAll(list);
                } else if (value != null) {
                    next.add(value);
                }
            }
            level = next;
        }
        return level.stream().filter(Map.class::isInstance).<Map<?, ?>>map(m -> (Map<?, ?>) m).toList();
    }

    private static Object path(Object root, String... keys) {
        Object at = root;
        for (String key : keys) {
            if (!(at instanceof Map<?, ?> map)) {
                return null;
            }
            at = map.get(key);
        }
        return at;
    }

    /**
     * plugins_services(): the other services, one entry per enabled WireGuard instance, OpenVPN instance and
     * DHCP relay (with a destination), sorted by name as OPNsense sorts them (strcasecmp, stable).
     */
    synchronized List<Map<String, Object>> services() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SimService s : otherServices) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("description", s.description());
            s.id().ifPresent(id -> m.put("id", id));
            m.put("status", !stoppedOthers.contains(s.name()));
            out.add(m);
        }
        for (StoredInstance i : instances.values()) {
            if (i.enabled()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("description", "WireGuard " + i.name());
                m.put("name", "wireguard");
                m.put("nocheck", true);
                m.put("id", i.uuid());
                m.put("status", wireguardUp.contains(i.uuid()));
                out.add(m);
            }
        }
        for (StoredOpenVpnInstance i : openvpn.values()) {
            if (i.enabled()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("description", "OpenVPN " + i.role() + " " + Php.htmlspecialchars(i.description()));
                m.put("pidfile", "/var/run/ovpn-instance-" + i.uuid() + ".pid");
                Map<String, Object> configd = new LinkedHashMap<>();
                configd.put("start", List.of("openvpn start " + i.uuid()));
                configd.put("restart", List.of("openvpn restart " + i.uuid()));
                configd.put("stop", List.of("openvpn stop " + i.uuid()));
                m.put("configd", configd);
                m.put("id", i.uuid());
                m.put("name", "openvpn");
                m.put("status", openvpnRunning.contains(i.uuid()));
                out.add(m);
            }
        }
        for (StoredRelay r : relays.values()) {
            if (r.enabled() && !r.server().isEmpty()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", "dhcrelay");
                m.put("description", (r.server().contains(".") ? "DHCPv4 Relay" : "DHCPv6 Relay") + " (" + r.iface() + ")");
                Map<String, Object> php = new LinkedHashMap<>();
                php.put("restart", List.of("dhcrelay_configure_id"));
                php.put("start", List.of("dhcrelay_configure_id"));
                php.put("args", List.of("verbose", "id"));
                m.put("php", php);
                m.put("pidfile", "/var/run/dhcrelay-" + r.uuid() + ".pid");
                m.put("id", r.uuid());
                m.put("verbose", false);
                m.put("status", relaysRunning.contains(r.uuid()));
                out.add(m);
            }
        }
        out.sort(Comparator.comparing(m -> ((String) m.get("name")).toLowerCase(Locale.ROOT)));
        return out;
    }

    /**
     * start/restart/stop_service with {service, id}; the lookup walks the service list with PHP's loose
     * {@code ==} exactly as the backup does. Returns the backup's answer text.
     */
    synchronized String control(String action, Object filter) {
        Object service = filter instanceof Map<?, ?> m ? m.get("service") : null;
        Object id = filter instanceof Map<?, ?> m ? m.get("id") : null;
        Optional<Map<String, Object>> found = find(services(), service, id);
        String serviceText = Php.toStringValue(service);
        if (found.isEmpty()) {
            events.add(new ServiceEvent(action, serviceText, Php.toStringValue(id), "not found"));
            return "Could not " + action + " unknown service `" + Php.htmlspecialchars(serviceText) + "'";
        }
        Map<String, Object> s = found.get();
        String name = (String) s.get("name");
        String sid = s.containsKey("id") ? (String) s.get("id") : "";
        String outcome;
        if (name.equals("wireguard") && instances.containsKey(sid)) {
            outcome = wireguard(action, instances.get(sid));
        } else if (name.equals("openvpn") && openvpn.containsKey(sid)) {
            outcome = openvpn(action, openvpn.get(sid));
        } else if (name.equals("dhcrelay") && relays.containsKey(sid)) {
            outcome = relay(action, relays.get(sid));
        } else {
            outcome = other(action, name);
        }
        events.add(new ServiceEvent(action, name, sid, outcome));
        String done = switch (action) {
            case "start" -> "started";
            case "stop" -> "stopped";
            default -> "restarted";
        };
        return "Service `" + Php.htmlspecialchars(name) + "' has been " + done + ".";
    }

    static Optional<Map<String, Object>> find(List<Map<String, Object>> services, Object service, Object id) {
        for (Map<String, Object> s : services) {
            boolean nameMatches = Php.looseEquals(service, "*") || Php.looseEquals(s.get("name"), service);
            if (!nameMatches) {
                continue;
            }
            if (Php.empty(id) || (s.containsKey("id") && Php.looseEquals(s.get("id"), id))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private String wireguard(String action, StoredInstance instance) {
        if (action.equals("stop")) {
            wireguardUp.remove(instance.uuid());
            return "down";
        }
        Optional<SimVip> local = vips.stream().filter(v -> v.uuid().equals(instance.carpDependOn())).findFirst();
        wireguardStarts.add(new WireguardStart(action, instance.uuid(), instance.carpDependOn(),
                local.map(SimVip::vhid), local.map(this::statusOf)));
        if (local.isPresent() && statusOf(local.get()) != CarpStatus.MASTER) {
            wireguardUp.remove(instance.uuid());
            return "kept down: CARP " + statusOf(local.get()) + " on VHID " + local.get().vhid();
        }
        // No dependency, or one on a VIP this node does not have: treated as none, so it comes up.
        wireguardUp.add(instance.uuid());
        return "up";
    }

    /**
     * ovpn_service_control.php: a client whose carp_depend_on names a local CARP VIP that is not MASTER is not
     * started ({@code start} leaves it as it was, {@code restart} stops it); servers and clients whose uuid is
     * unknown here start.
     */
    private String openvpn(String action, StoredOpenVpnInstance instance) {
        if (action.equals("stop")) {
            openvpnRunning.remove(instance.uuid());
            return "down";
        }
        Optional<String> down = openvpnCarpDown(instance);
        if (down.isPresent()) {
            if (action.equals("restart")) {
                openvpnRunning.remove(instance.uuid());
            }
            return "kept down: " + down.get();
        }
        openvpnRunning.add(instance.uuid());
        return "up";
    }

    /**
     * ovpn_service_control.php's get_vhid_status(): VHID number to uuid (the last local CARP VIP with that number
     * wins), every local CARP VIP DISABLED until a live CARP entry with its VHID sets the mapped uuid's state.
     */
    private Optional<String> openvpnCarpDown(StoredOpenVpnInstance instance) {
        if (!instance.role().equals("client")) {
            return Optional.empty();
        }
        Map<Integer, SimVip> lastByVhid = new HashMap<>();
        vips.forEach(v -> lastByVhid.put(v.vhid(), v));
        Optional<SimVip> local = vips.stream().filter(v -> v.uuid().equals(instance.carpDependOn())).findFirst();
        if (local.isEmpty()) {
            return Optional.empty(); // empty($vhids[...]): no dependency, the client starts
        }
        CarpStatus status = lastByVhid.get(local.get().vhid()) == local.get()
                ? statusOf(local.get()) : CarpStatus.DISABLED;
        return status == CarpStatus.MASTER ? Optional.empty()
                : Optional.of("CARP " + status + " on VHID " + local.get().vhid());
    }

    /**
     * dhcrelay_configure_id(): every call first stops the relay; it starts again only when it tracks no VIP,
     * or the VIP it tracks is a local CARP VIP whose VHID is MASTER. A uuid not local stays DISABLED.
     */
    private String relay(String action, StoredRelay relay) {
        relaysRunning.remove(relay.uuid());
        if (action.equals("stop")) {
            return "down";
        }
        Optional<String> down = relayCarpDown(relay);
        if (down.isPresent()) {
            return "kept down: " + down.get();
        }
        relaysRunning.add(relay.uuid());
        return "up";
    }

    private Optional<String> relayCarpDown(StoredRelay relay) {
        if (relay.carpDependOn().isEmpty()) {
            return Optional.empty();
        }
        Optional<SimVip> local = vips.stream().filter(v -> v.uuid().equals(relay.carpDependOn())).findFirst();
        if (local.isEmpty()) {
            return Optional.of("CARP DISABLED (VIP " + relay.carpDependOn() + " is not on this node)");
        }
        CarpStatus status = liveStatusOfVhid(local.get().vhid());
        return status == CarpStatus.MASTER ? Optional.empty()
                : Optional.of("CARP " + status + " on VHID " + local.get().vhid());
    }

    /** What a live CARP entry says of a VHID number: the last local VIP with it wins, as the loops in OPNsense do. */
    private CarpStatus liveStatusOfVhid(int vhid) {
        CarpStatus status = CarpStatus.DISABLED;
        for (SimVip v : vips) {
            if (v.vhid() == vhid) {
                status = statusOf(v);
            }
        }
        return status;
    }

    /** rc.syshook.d/carp/20-wireguard, 20-openvpn-instances and 20-dhcrelay for a state change of {@code vhid}. */
    private void carpEvent(int vhid) {
        for (StoredInstance instance : instances.values()) {
            Optional<SimVip> local = vips.stream().filter(v -> v.uuid().equals(instance.carpDependOn())).findFirst();
            if (!instance.enabled() || local.isPresent() && local.get().vhid() != vhid) {
                continue;
            }
            boolean up = local.isEmpty() || statusOf(local.get()) == CarpStatus.MASTER;
            if (up) {
                wireguardUp.add(instance.uuid());
            } else {
                wireguardUp.remove(instance.uuid());
            }
            events.add(new ServiceEvent("carp", "wireguard", instance.uuid(), up ? "up" : "down"));
        }
        for (StoredOpenVpnInstance instance : openvpn.values()) {
            if (!instance.enabled()) {
                continue;
            }
            boolean down = openvpnCarpDown(instance).isPresent();
            if (down) {
                openvpnRunning.remove(instance.uuid());
            } else {
                openvpnRunning.add(instance.uuid());
            }
            events.add(new ServiceEvent("carp", "openvpn", instance.uuid(), down ? "down" : "up"));
        }
        boolean tracking = relays.values().stream().anyMatch(r -> r.enabled() && !r.carpDependOn().isEmpty());
        if (tracking) {
            for (StoredRelay relay : relays.values()) {
                if (relay.enabled() && !relay.server().isEmpty()) {
                    events.add(new ServiceEvent("carp", "dhcrelay", relay.uuid(), relay("restart", relay)));
                }
            }
        }
    }

    private String other(String action, String name) {
        if (action.equals("stop")) {
            stoppedOthers.add(name);
            return "down";
        }
        stoppedOthers.remove(name);
        return "up";
    }
}
