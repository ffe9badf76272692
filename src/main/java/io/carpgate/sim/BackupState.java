package io.carpgate.sim;

import io.carpgate.carp.CarpStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the simulated OPNsense node holds and does: its config, WireGuard instances, CARP states and
 * services. All access is under this object's monitor because Jetty serves requests concurrently.
 */
final class BackupState {
    private List<SimVip> vips;
    private final List<SimService> otherServices;
    /** CARP state belongs to a VHID on an interface, not to a VIP's uuid: it survives a VIP sync. */
    private final Map<String, CarpStatus> statusByVhid = new HashMap<>();
    private final Map<String, Object> config = new LinkedHashMap<>();
    private final Map<String, StoredInstance> instances = new LinkedHashMap<>();
    private final Set<String> wireguardUp = new LinkedHashSet<>();
    private final Set<String> stoppedOthers = new LinkedHashSet<>();
    private final List<ServiceEvent> events = new ArrayList<>();

    BackupState(List<SimVip> vips, List<SimService> otherServices) {
        this.vips = List.copyOf(vips);
        this.otherServices = List.copyOf(otherServices);
    }

    synchronized List<SimVip> vips() {
        return vips;
    }

    private static String key(int vhid, String iface) {
        return vhid + "@" + iface.toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code iface} is the internal name or the description; both are what operators write. */
    synchronized void setCarpStatus(int vhid, String iface, CarpStatus status) {
        List<SimVip> matching = vips.stream()
                .filter(v -> v.vhid() == vhid)
                .filter(v -> v.iface().equalsIgnoreCase(iface) || v.ifaceDescription().equalsIgnoreCase(iface))
                .toList();
        if (matching.isEmpty()) {
            throw new IllegalArgumentException("simulated backup has no VIP with VHID " + vhid + " on " + iface);
        }
        matching.forEach(v -> statusByVhid.put(key(v.vhid(), v.iface()), status));
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

    synchronized List<ServiceEvent> events() {
        return List.copyOf(events);
    }

    synchronized void resetRecordings() {
        events.clear();
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

    private void reloadInstances() {
        instances.clear();
        Object servers = path(config, "OPNsense", "wireguard", "server", "servers", "server");
        List<?> list = servers instanceof List<?> l ? l : servers instanceof Map<?, ?> ? List.of(servers) : List.of();
        for (Object entry : list) {
            if (entry instanceof Map<?, ?> server) {
                String uuid = Php.toStringValue(path(server, "@attributes", "uuid"));
                instances.put(uuid, new StoredInstance(uuid,
                        Php.toStringValue(server.get("name")),
                        "1".equals(Php.toStringValue(server.get("enabled"))),
                        Php.toStringValue(server.get("carp_depend_on"))));
            }
        }
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

    /** plugins_services(): the other services, then one entry per enabled WireGuard instance. */
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
        String outcome = name.equals("wireguard") && instances.containsKey(sid)
                ? wireguard(action, instances.get(sid))
                : other(action, name);
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
        if (local.isPresent() && statusOf(local.get()) != CarpStatus.MASTER) {
            wireguardUp.remove(instance.uuid());
            return "kept down: CARP " + statusOf(local.get()) + " on VHID " + local.get().vhid();
        }
        // No dependency, or one on a VIP this node does not have: treated as none, so it comes up.
        wireguardUp.add(instance.uuid());
        return "up";
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
