package io.carpgate.policy;

import io.carpgate.xmlrpc.XmlRpcValue;
import io.carpgate.xmlrpc.XmlRpcValue.Array;
import io.carpgate.xmlrpc.XmlRpcValue.Str;
import io.carpgate.xmlrpc.XmlRpcValue.Struct;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The kinds of OPNsense configuration item whose {@code carp_depend_on} names a CARP VIP by uuid
 * (docs/PROTOCOL.md, "Every item with a CARP dependency"). Each constant is one row: where the items sit
 * in a restore, which member names them, which service starts them, whether their dependency counts and
 * whether their starts are gated. Another kind is one more row here; the rewrite, the gate, the VHID map,
 * the logs and the status page all work from these rows.
 */
public enum ItemKind {
    /** Brought up on a BACKUP when its VIP uuid is unknown there: starts gated. */
    WIREGUARD("wireguard", "WireGuard instance", List.of("OPNsense", "wireguard"),
            List.of("server", "servers", "server"), "name", item -> Optional.empty(), Optional.empty(),
            "the backup treats it as having no dependency and brings it up, also as BACKUP"),
    /** Clients only: {@code ovpn_service_control.php} ignores the dependency of a server. Client starts gated. */
    OPENVPN("openvpn", "OpenVPN instance", List.of("OPNsense", "OpenVPN"), List.of("Instances", "Instance"),
            "description", ItemKind::openVpnServer, Optional.empty(),
            "the backup treats the client as having no dependency and starts it, also as BACKUP"),
    /**
     * A relay's own code starts it only when its VIP is MASTER, and never when the uuid is unknown (which
     * breaks failover instead): the rewrite matters, its starts need no gate.
     */
    DHCRELAY("dhcrelay", "DHCP relay", List.of("OPNsense", "DHCRelay"), List.of("relays"), "interface",
            item -> Optional.empty(),
            Optional.of("a DHCP relay on the backup starts only while its own CARP VIP is MASTER there"),
            "the backup never starts the relay, not even once it is MASTER");

    private final String key;
    private final String label;
    private final List<String> module;
    private final List<String> itemPath;
    private final String nameField;
    private final Function<Struct, Optional<String>> dependencyIgnored;
    private final Optional<String> startsPass;
    private final String unknownVip;

    /**
     * @param key               the service name in {@code list_services} and {@code start/restart_service}, and
     *                          the kind's word in the decision log, metrics, status page and VHID map
     * @param module            the section below which everything the decision reads lies (kept whole by the
     *                          reader, see {@link Gate#READS}); plain structs down to it
     * @param itemPath          member names from the module down to the items; any step may be one struct or
     *                          an array of them (OPNsense's {@code listtags()} makes {@code servers} an array)
     * @param nameField         the member an admin knows the item by
     * @param dependencyIgnored why the backup ignores this item's {@code carp_depend_on}; empty when it counts
     * @param startsPass        why starts of this kind need no gate; empty when they are gated
     * @param unknownVip        what the backup does with an item whose dependency names a VIP uuid it does not have
     */
    ItemKind(String key, String label, List<String> module, List<String> itemPath, String nameField,
             Function<Struct, Optional<String>> dependencyIgnored, Optional<String> startsPass, String unknownVip) {
        this.key = key;
        this.label = label;
        this.module = List.copyOf(module);
        this.itemPath = List.copyOf(itemPath);
        this.nameField = nameField;
        this.dependencyIgnored = dependencyIgnored;
        this.startsPass = startsPass;
        this.unknownVip = unknownVip;
    }

    public String key() {
        return key;
    }

    /** E.g. "WireGuard instance", for messages. */
    public String label() {
        return label;
    }

    List<String> module() {
        return module;
    }

    /** Where the items are, for messages: {@code OPNsense.OpenVPN.Instances.Instance}. */
    public String path() {
        List<String> all = new ArrayList<>(module);
        all.addAll(itemPath);
        return String.join(".", all);
    }

    public String nameField() {
        return nameField;
    }

    /** Whether a start of an item of this kind whose dependency counts waits for CARP MASTER. */
    public boolean startsGated() {
        return startsPass.isEmpty();
    }

    Optional<String> startsPassBecause() {
        return startsPass;
    }

    /** Why the backup ignores this item's dependency, or empty when it counts. */
    Optional<String> dependencyIgnored(Struct item) {
        return dependencyIgnored.apply(item);
    }

    /** What the backup does with an item of this kind whose dependency names a VIP uuid it does not have. */
    public String unknownVipEffect() {
        return unknownVip;
    }

    public static Optional<ItemKind> byKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    /**
     * The members along the items' paths that OPNsense's {@code listtags()} makes a list on both nodes (PROTOCOL.md,
     * "Shapes on the wire"): only there does an array from the master reset what the backup holds.
     */
    private static final java.util.Set<String> LIST_TAGS = java.util.Set.of("servers");

    /**
     * Whether a restore's sections replace the backup's whole list of items of this kind. OPNsense's
     * {@code merge_config_attributes} decides by the backup's shape: a plain value ({@code ''}, an emptied list)
     * replaces what the backup holds at that step; an array resets it only where the backup holds a list too (the
     * list's parent {@code servers}, which OPNsense's {@code listtags()} makes a list on both nodes; not
     * {@code Instances}), and merges into a struct everywhere else, so a module sent as an empty array (the master's
     * {@code copy_conf_section} for a section it does not have) leaves the backup's items as they are. A parent that
     * names the list replaces it; one without it (an empty struct) does not. When in doubt, not replaced: the book
     * keeps the items, and a restore that drops their VIP is still rejected.
     */
    public boolean carriedIn(Struct sections) {
        XmlRpcValue at = sections;
        List<String> steps = new ArrayList<>(module);
        steps.addAll(itemPath.subList(0, itemPath.size() - 1));
        for (int i = 0; i < steps.size(); i++) {
            Optional<XmlRpcValue> next = ((Struct) at).get(steps.get(i));
            if (next.isEmpty()) {
                return false;
            }
            at = next.get();
            if (at instanceof Array) {
                return i == steps.size() - 1 && LIST_TAGS.contains(steps.get(i));
            }
            if (!(at instanceof Struct)) {
                return true; // a plain value ('' or any other) takes the place of all the backup held there
            }
        }
        return ((Struct) at).get(itemPath.get(itemPath.size() - 1)).isPresent();
    }

    /**
     * The items of this kind in a restore's sections, in order: each a struct, or whatever else the master sent
     * in an item's place (the caller reports those). Empty when the section is absent or empty ({@code ''}).
     */
    List<XmlRpcValue> items(Struct sections) {
        Optional<Struct> at = Optional.of(sections);
        for (String step : module) {
            at = at.flatMap(s -> s.struct(step));
        }
        if (at.isEmpty()) {
            return List.of();
        }
        List<XmlRpcValue> level = List.of(at.get());
        for (String step : itemPath) {
            List<XmlRpcValue> next = new ArrayList<>();
            for (XmlRpcValue value : level) {
                if (value instanceof Struct struct) {
                    struct.get(step).map(XmlRpcValue::oneOrMany).ifPresent(next::addAll);
                }
            }
            level = next;
        }
        return level;
    }

    /**
     * The network interface the backup gives the item, as its restore names it: a WireGuard instance's is
     * {@code wg} and its {@code instance} number ({@code ServerField.php}), an OpenVPN instance's {@code ovpn}, the
     * first letter of its role and its {@code vpnid} ({@code InstanceField.php}, {@code __devname}). A DHCP relay
     * creates none: it listens on an interface of the node, given as OPNsense's name ({@code lan}), and only when the
     * relay is enabled ({@code enabled} = {@code 1}, as the backup's own service list requires), so the watch never
     * expects a disabled relay to run (it finds the interface's device through a CARP VIP of the backup on it). Empty when the field
     * is missing or not a plain value, so a master's odd value never names a device.
     */
    public Optional<String> device(Struct item) {
        return switch (this) {
            case WIREGUARD -> number(item, "instance").map(n -> "wg" + n);
            case OPENVPN -> number(item, "vpnid").map(n -> "ovpn" + (openVpnServer(item).isEmpty() ? "c" : "s") + n);
            case DHCRELAY -> text(item, "enabled").filter("1"::equals).flatMap(on -> text(item, "interface"))
                    .filter(t -> t.matches("[A-Za-z0-9_.-]{1,32}"));
        };
    }

    private static Optional<String> number(Struct item, String field) {
        return text(item, field).filter(t -> t.matches("\\d{1,5}"));
    }

    private static Optional<String> text(Struct item, String field) {
        return item.get(field).filter(Str.class::isInstance).map(v -> ((Str) v).text().trim());
    }

    /** OpenVPN's model defaults {@code role} to server; only {@code role == 'client'} makes the dependency count. */
    private static Optional<String> openVpnServer(Struct item) {
        Optional<XmlRpcValue> role = item.get("role");
        if (role.isEmpty()) {
            return Optional.of("it has no role, so it is a server (the model's default), and the backup ignores "
                    + "carp_depend_on for servers");
        }
        if (role.get() instanceof Str text) {
            return text.text().equals("client") ? Optional.empty()
                    : Optional.of("it is not a client (role '" + text.text() + "'), and the backup ignores carp_depend_on "
                    + "for servers");
        }
        return Optional.empty(); // a role carpgate cannot read as the backup does: treated as a client, the safe side
    }
}
