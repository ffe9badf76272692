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
    private final OpnsenseRelease release;
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
    /** uuids of the instances whose wgN exists (created and configured by a start or restart). */
    private final Set<String> wireguardConfigured = new LinkedHashSet<>();
    private long filterReloads;
    private long restoresStored;
    private boolean wireguardEnabled;
    /** Interfaces, routes and listeners as the node's read-only API shows them (the watch's view); its own file. */
    private final SimNetwork network = new SimNetwork(this);

    BackupState(List<SimVip> vips, List<SimService> otherServices, OpnsenseRelease release) {
        this.vips = List.copyOf(vips);
        this.otherServices = List.copyOf(otherServices);
        this.release = release;
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

    /** DISABLED: the VIP is configured but its VHID is on no interface (not in the kernel). */
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

    synchronized Set<String> wireguardConfigured() {
        return Set.copyOf(wireguardConfigured);
    }

    synchronized long filterReloads() {
        return filterReloads;
    }

    synchronized void resetRecordings() {
        events.clear();
        wireguardStarts.clear();
    }

    /** firmware_version_xmlrpc(): {@code opnsense-version -v base|core|kernel} of the simulated release. */
    Map<String, Object> firmwareVersion() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("base", Map.of("version", release.version()));
        out.put("firmware", Map.of("version", release.version()));
        out.put("kernel", Map.of("version", release.version()));
        return out;
    }

    /**
     * restore_config_section_xmlrpc(): the master's sections are merged into the stored config by
     * {@link #mergeConfigAttributes} (leaves overwritten, lists and MVC items replaced, the backup's other sections
     * and its nosync items kept). CARP VIPs are keyed {@code carp_<interface>_vip<vhid>}: the node's VIPs become
     * its own nosync VIPs (first) followed by the master's, uuids included, so a local VHID VIP the master does not
     * send is dropped and a nosync one stays beside the master's VIP for the same interface and VHID.
     */
    synchronized boolean restoreConfigSection(Object sections) {
        restoresStored++;
        if (sections instanceof Map<?, ?> map) {
            mergeConfigAttributes(phpArray(map), config, "");
            reloadInstances();
            Object payloadVips = path(map, "virtualip", "vip");
            if (payloadVips != null) {
                vips = mergedVips(payloadVips);
            }
        }
        return true;
    }

    /** A value as PHP holds it: every array a map with string keys ("0", "1", ... for a list), in order. */
    private static Object phpValue(Object value) {
        if (value instanceof Map<?, ?> m) {
            return phpArray(m);
        }
        if (value instanceof List<?> l) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < l.size(); i++) {
                out.put(Integer.toString(i), phpValue(l.get(i)));
            }
            return out;
        }
        return value;
    }

    private static Map<String, Object> phpArray(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), phpValue(v)));
        return out;
    }

    /**
     * legacy.inc's merge_config_attributes($source, $dest): a leaf overwrites; an array is merged into the stored
     * one, which is first reset when it is new, a sequenced list ({@code isset($dest[0])}) or an MVC item
     * ({@code @attributes.uuid}); the reset one's records marked nosync are put back in front (not for filter
     * and NAT rules, whose order means something).
     */
    @SuppressWarnings("unchecked")
    private static void mergeConfigAttributes(Map<String, Object> source, Map<String, Object> dest, String path) {
        for (Map.Entry<String, Object> entry : source.entrySet()) {
            String key = entry.getKey();
            if (!(entry.getValue() instanceof Map<?, ?> value)) {
                dest.put(key, entry.getValue());
                continue;
            }
            // As in PHP, $path grows across the loop's iterations (it is reassigned, not a copy per key).
            path = path.isEmpty() ? key : path + "." + key;
            Object stored = dest.get(key);
            List<Object> nosync = new ArrayList<>();
            if (!(stored instanceof Map<?, ?> storedMap) || !storedMap.isEmpty()
                    && (storedMap.containsKey("0") || path(storedMap, "@attributes", "uuid") != null)) {
                boolean ordered = List.of("filter.rule", "nat.rule", "nat.outbound.rule").contains(path);
                if (!ordered && stored instanceof Map<?, ?> old) {
                    old.values().stream().filter(r -> r instanceof Map<?, ?> rec && !Php.empty(rec.get("nosync")))
                            .forEach(nosync::add);
                }
                dest.put(key, new LinkedHashMap<String, Object>());
            }
            Map<String, Object> target = (Map<String, Object>) dest.get(key);
            mergeConfigAttributes((Map<String, Object>) value, target, path);
            if (!nosync.isEmpty()) {
                dest.put(key, arrayMerge(nosync, target)); // local nosync items on top
            }
        }
    }

    /** array_merge($list, $array): numeric keys renumbered after the list, string keys kept. */
    private static Map<String, Object> arrayMerge(List<Object> first, Map<String, Object> second) {
        Map<String, Object> out = new LinkedHashMap<>();
        first.forEach(v -> out.put(Integer.toString(out.size()), v));
        second.forEach((k, v) -> out.put(k.matches("0|[1-9][0-9]{0,8}") ? Integer.toString(out.size()) : k, v));
        return out;
    }

    private static int number(Object value) {
        String text = Php.toStringValue(value).trim();
        return text.matches("[0-9]{1,9}") ? Integer.parseInt(text) : 0;
    }

    /**
     * The node's VIPs after a restore that carries {@code virtualip.vip}: its own nosync VIPs first, then the
     * master's CARP VIPs ({@code remove_nosync()} on the master already dropped the master's nosync ones).
     */
    private List<SimVip> mergedVips(Object payload) {
        List<?> list = payload instanceof List<?> l ? l : List.of(payload);
        List<SimVip> merged = new ArrayList<>(vips.stream().filter(SimVip::nosync).toList());
        for (Object entry : list) {
            if (entry instanceof Map<?, ?> vip && "carp".equals(Php.toStringValue(vip.get("mode")))) {
                String iface = Php.toStringValue(vip.get("interface"));
                String description = vips.stream().filter(v -> v.iface().equalsIgnoreCase(iface))
                        .map(SimVip::ifaceDescription).findFirst().orElse(iface.toUpperCase(java.util.Locale.ROOT));
                merged.add(new SimVip(Php.toStringValue(path(vip, "@attributes", "uuid")), iface, description,
                        number(vip.get("vhid")), Php.toStringValue(vip.get("subnet")),
                        number(vip.get("subnet_bits")), Php.toStringValue(vip.get("descr")),
                        Php.toStringValue(vip.get("password")), false));
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
        // wireguard_services() lists no instance (and wg-service-control.php starts none) unless general.enabled.
        wireguardEnabled = "1".equals(Php.toStringValue(path(config, "OPNsense", "wireguard", "general", "enabled")));
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
     * that {@code listtags()} forces into a list, as {@code servers}, stored as PHP holds it: keys "0", "1", ...);
     * an empty element ({@code ''}) has none.
     */
    /**
     * The structs at {@code keys} below {@code root}: a list (or a PHP array keyed "0", "1", …, as a restore stores
     * one) stands for each of its members.
     */
    static List<Map<?, ?>> items(Object root, String... keys) {
        List<Object> level = List.of(root);
        for (String key : keys) {
            List<Object> next = new ArrayList<>();
            for (Object at : level) {
                Object value = at instanceof Map<?, ?> map ? map.get(key) : null;
                if (value instanceof List<?> list) {
                    next.addAll(list);
                } else if (value instanceof Map<?, ?> m && m.containsKey("0")) {
                    next.addAll(m.values());
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

    /** The plugin file ({@code plugins.inc.d/NAME.inc}) a service comes from; plugins_scan() sorts by it. */
    private static String plugin(String service) {
        return switch (service) {
            case "configd", "login", "routing", "sysctl", "cron", "syslog-ng" -> "core";
            case "kea-dhcp" -> "kea";
            case "samplicate", "flowd_aggregate" -> "netflow";
            default -> service;
        };
    }

    /**
     * plugins_services(): every plugin's services in plugins_scan() order (plugin files sorted by name; the other
     * services, one entry per enabled WireGuard instance while WireGuard is enabled, per enabled OpenVPN instance
     * and per enabled DHCP relay whose destination exists), then uasort() by name (strcasecmp, stable), which
     * keeps the keys: the result maps each entry's original position ("0", "4", ...) to it, in sorted order.
     */
    synchronized Map<String, Map<String, Object>> services() {
        List<Map<String, Object>> collected = new ArrayList<>();
        for (SimService s : otherServices) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("description", s.description());
            s.id().ifPresent(id -> m.put("id", id));
            collected.add(m);
        }
        for (StoredInstance i : instances.values()) {
            if (wireguardEnabled && i.enabled()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("description", "WireGuard " + Php.htmlspecialchars(i.name()));
                Map<String, Object> configd = new LinkedHashMap<>();
                configd.put("start", List.of("wireguard start " + i.uuid()));
                configd.put("restart", List.of("wireguard restart " + i.uuid()));
                configd.put("stop", List.of("wireguard stop " + i.uuid()));
                m.put("configd", configd);
                m.put("name", "wireguard");
                m.put("nocheck", true);
                m.put("id", i.uuid());
                collected.add(m);
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
                collected.add(m);
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
                collected.add(m);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < collected.size(); i++) {
            order.add(i);
        }
        // plugins_scan(): plugin files in name order, each plugin's services in its own order.
        order.sort(Comparator.comparing(i -> plugin((String) collected.get(i).get("name"))));
        List<Map<String, Object>> scanned = order.stream().map(collected::get).toList();
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < scanned.size(); i++) {
            keys.add(i);
        }
        keys.sort(Comparator.comparing(i -> ((String) scanned.get(i).get("name")).toLowerCase(Locale.ROOT)));
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        keys.forEach(k -> out.put(Integer.toString(k), scanned.get(k)));
        return out;
    }

    /**
     * list_services_xmlrpc() (25.7-26.7): plugins_services() with {@code status} added, keys kept: IXR writes it
     * as a struct unless the sort moved nothing. {@code status} is service_status(): {@code true} for a nocheck
     * entry (every WireGuard instance, up or down), else whether its process runs.
     */
    synchronized Map<String, Object> listServices() {
        Map<String, Object> out = new LinkedHashMap<>();
        services().forEach((key, service) -> {
            Map<String, Object> m = new LinkedHashMap<>(service);
            m.put("status", status(service));
            out.put(key, m);
        });
        return out;
    }

    private boolean status(Map<String, Object> service) {
        if (Php.truthy(service.get("nocheck"))) {
            return true;
        }
        String name = (String) service.get("name");
        String id = service.containsKey("id") ? (String) service.get("id") : "";
        return switch (name) {
            case "openvpn" -> openvpnRunning.contains(id);
            case "dhcrelay" -> relaysRunning.contains(id);
            default -> !stoppedOthers.contains(name);
        };
    }

    /** What PHP prints when {@code *_service_xmlrpc($params)} reads {@code $params["service"]} of a non-array. */
    record Fatal(String body) {}

    /**
     * start/restart/stop_service_xmlrpc($params): the filter is {@code id} only when {@code !empty($params['id'])};
     * service_by_name() walks the service list with PHP's loose {@code ==} exactly as the backup does. Returns the
     * backup's answer text (the service named {@code name[id]}), or a {@link Fatal} when the parameter is a string
     * or a date (PHP 8 throws on its offset; a number, boolean or list reads as null: "could not find").
     */
    synchronized Object control(String action, Object filter) {
        if (filter instanceof String || filter instanceof IxrDate) {
            events.add(new ServiceEvent(action, "", "", "fatal"));
            return new Fatal(fatal(action, filter));
        }
        Object service = filter instanceof Map<?, ?> m ? m.get("service") : null;
        Object id = filter instanceof Map<?, ?> m ? m.get("id") : null;
        Optional<Map<String, Object>> found = find(List.copyOf(services().values()), service, id);
        String serviceText = Php.toStringValue(service);
        if (found.isEmpty()) {
            events.add(new ServiceEvent(action, serviceText, Php.toStringValue(id), "not found"));
            String asked = serviceText + (Php.empty(id) ? "" : "[" + Php.toStringValue(id) + "]");
            return "Could not find unknown service `" + Php.htmlspecialchars(asked) + "'";
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
        // service_name(): the name, and [id] when the entry has one.
        String named = name + (s.containsKey("id") ? "[" + sid + "]" : "");
        return "Service `" + Php.htmlspecialchars(named) + "' has been " + done + ".";
    }

    private static String fatal(String action, Object param) {
        int line = switch (action) {
            case "stop" -> 71;
            case "start" -> 87;
            default -> 103;
        };
        String where = "/usr/local/etc/inc/xmlrpc/service.inc";
        String error = param instanceof IxrDate ? "Error: Cannot use object of type IXR_Date as array"
                : "TypeError: Cannot access offset of type string on string";
        String arg = param instanceof String text
                ? "'" + (text.length() > 15 ? text.substring(0, 15) + "...'" : text + "'") : "Object(IXR_Date)";
        return "<br />\n<b>Fatal error</b>:  Uncaught " + error + " in " + where + ":" + line + "\nStack trace:\n"
                + "#0 [internal function]: " + action + "_service_xmlrpc(" + arg + ")\n"
                + "#1 /usr/local/opnsense/contrib/IXR/IXR_Library.php(447): call_user_func('" + action
                + "_service_xm...', " + arg + ")\n"
                + "#2 {main}\n  thrown in <b>" + where + "</b> on line <b>" + line + "</b><br />\n";
    }

    /**
     * util.inc's service_by_name($name, $filter): a service is skipped unless {@code $name != '*'} is false or its
     * name loosely equals {@code $name}; with no filter the filter becomes {@code name => $name} ("force
     * (mis)match"), so {@code *} without an id matches no service; with an id, the first whose id loosely equals it.
     */
    static Optional<Map<String, Object>> find(List<Map<String, Object>> services, Object service, Object id) {
        boolean byId = !Php.empty(id);
        for (Map<String, Object> s : services) {
            boolean wildcard = Php.looseEquals(service, "*"); // !($name != '*')
            if (!wildcard && !Php.looseEquals(s.get("name"), service)) {
                continue;
            }
            if (byId ? s.containsKey("id") && Php.looseEquals(s.get("id"), id)
                    : Php.looseEquals(s.get("name"), service)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * wg-service-control.php start/restart: the instance is always (re)configured (wg_stop, then wg_start: wgN
     * created, {@code wg syncconf}, addresses, a route per peer network), and only the final {@code ifconfig wgN
     * up|down} depends on CARP: down when {@code carp_depend_on} names a local CARP VIP whose VHID is not MASTER
     * (a VIP whose VHID is on no interface counts DISABLED: down); up when MASTER, empty, unknown here or not a CARP
     * VIP. The script then runs {@code filter reload}.
     */
    private String wireguard(String action, StoredInstance instance) {
        if (action.equals("stop")) {
            wireguardUp.remove(instance.uuid());
            return "down";
        }
        Optional<SimVip> local = vips.stream().filter(v -> v.uuid().equals(instance.carpDependOn())).findFirst();
        Optional<CarpStatus> carp = local.map(v -> liveStatusOfVhid(v.vhid()));
        wireguardStarts.add(new WireguardStart(action, instance.uuid(), instance.carpDependOn(),
                local.map(SimVip::vhid), carp));
        wireguardConfigured.add(instance.uuid());
        filterReloads++;
        if (carp.isPresent() && carp.get() != CarpStatus.MASTER) {
            wireguardUp.remove(instance.uuid());
            return "kept down: CARP " + carp.get() + " on VHID " + local.get().vhid();
        }
        // No dependency, or one on a VIP this node does not have: treated as none, so it comes up.
        wireguardUp.add(instance.uuid());
        return "up";
    }

    /**
     * ovpn_service_control.php start/restart. On 25.7 the CARP state is read only for {@code configure}: a start
     * or restart starts every instance, a client whose VIP is BACKUP included. From 26.1 a client whose
     * carp_depend_on names a local CARP VIP that is not MASTER is not started ({@code start} leaves it as it was,
     * {@code restart} stops it); servers and clients whose uuid is unknown here start.
     */
    private String openvpn(String action, StoredOpenVpnInstance instance) {
        if (action.equals("stop")) {
            openvpnRunning.remove(instance.uuid());
            return "down";
        }
        Optional<String> down = release.openvpnStartsConsultCarp() ? openvpnCarpDown(instance) : Optional.empty();
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
                ? liveStatusOfVhid(local.get().vhid()) : CarpStatus.DISABLED;
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

    /**
     * What the live CARP entries say of a VHID number: DISABLED when no interface has it (a configured VIP that
     * is not in the kernel gives no entry), else the last entry's, as the loops in OPNsense's scripts do.
     */
    private CarpStatus liveStatusOfVhid(int vhid) {
        CarpStatus status = CarpStatus.DISABLED;
        for (SimVip v : vips) {
            if (v.vhid() == vhid && statusOf(v) != CarpStatus.DISABLED) {
                status = statusOf(v);
            }
        }
        return status;
    }

    /** rc.syshook.d/carp/20-wireguard, 20-openvpn-instances and 20-dhcrelay for a state change of {@code vhid}. */
    private void carpEvent(int vhid) {
        for (StoredInstance instance : instances.values()) {
            Optional<SimVip> local = vips.stream().filter(v -> v.uuid().equals(instance.carpDependOn())).findFirst();
            if (!wireguardEnabled || !instance.enabled() || local.isPresent() && local.get().vhid() != vhid) {
                continue;
            }
            boolean up = local.isEmpty() || liveStatusOfVhid(local.get().vhid()) == CarpStatus.MASTER;
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
