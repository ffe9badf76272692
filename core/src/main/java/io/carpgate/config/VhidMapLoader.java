package io.carpgate.config;

import io.carpgate.policy.ItemKind;
import io.carpgate.policy.VhidMapEntry;
import io.carpgate.policy.VhidMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code vhid-map.yml} from its YAML node tree (the one {@code carpgate.yml} is read from), so every problem
 * is reported at its own line and column, and each entry keeps the place of its key. One section per
 * {@link ItemKind} (its service name); {@code instances:} is the older name of {@code wireguard:}:
 * <pre>
 * wireguard:               # or instances: (older maps)
 *   wg0-branches:          # WireGuard instance name or uuid
 *     vhid: 7              # 1..255
 *     interface: opt2      # optional
 *     backup-vip: UUID     # optional
 * openvpn:                 # OpenVPN instance description or uuid
 *   branch-client: {vhid: 7}
 * dhcrelay:                # DHCP relay interface (internal name) or uuid
 *   lan: {vhid: 2}
 * </pre>
 * A name belongs to its section, so a WireGuard instance and an OpenVPN instance may share one; a uuid names
 * one item, so it may stand in one section only.
 */
public final class VhidMapLoader {
    /** What maps written before OpenVPN and DHCP relays were covered call the WireGuard section. */
    static final String OLD_WIREGUARD_SECTION = "instances";
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Set<String> ENTRY_KEYS = Set.of("vhid", "interface", "backup-vip");

    private VhidMapLoader() {}

    /** The section names, in the order the README lists them. */
    static List<String> sections() {
        List<String> names = new ArrayList<>(Arrays.stream(ItemKind.values()).map(ItemKind::key).toList());
        names.add(OLD_WIREGUARD_SECTION);
        return names;
    }

    public static VhidMap load(Path file) throws ConfigException {
        Path source = file.toAbsolutePath().normalize();
        String expected = "a 'wireguard:', 'openvpn:' or 'dhcrelay:' mapping";
        byte[] bytes = Yaml.bytes(source, "VHID map", expected);
        // Syntax (a tab, an unclosed '{', bad indentation) and duplicate keys are refused by the tree, each at its
        // own place, so a syntax error is never mistaken for the value it runs into.
        YamlNode root = YamlTree.parse(source, bytes, "VHID map", expected);
        return VhidMap.of(Optional.of(source), new Reader(source).document(root));
    }

    private record Reader(Path source) {
        List<VhidMapEntry> document(YamlNode root) throws ConfigException {
            YamlNode.Mapping top = mapping(root,
                    "the VHID map must be a mapping with sections " + String.join(", ", sections()));
            List<VhidMapEntry> entries = new ArrayList<>();
            Map<ItemKind, String> sectionsSeen = new EnumMap<>(ItemKind.class);
            Map<String, VhidMapEntry> uuids = new HashMap<>();
            for (YamlNode.Entry sectionEntry : top.entries()) {
                String section = sectionEntry.key();
                Optional<ItemKind> kind = section.equals(OLD_WIREGUARD_SECTION) ? Optional.of(ItemKind.WIREGUARD)
                        : ItemKind.byKey(section);
                if (kind.isEmpty()) {
                    throw error(sectionEntry.keyAt(), "unknown key '" + section + "'"
                            + or(DidYouMean.hint(section, Set.copyOf(sections())),
                            " (known here: " + String.join(", ", sections()) + ")"));
                }
                String earlier = sectionsSeen.putIfAbsent(kind.get(), section);
                if (earlier != null) {
                    throw error(sectionEntry.keyAt(), earlier.equals(section) ? "section '" + section + "' appears twice"
                            : "'" + section + "' and '" + earlier + "' are the same section (" + OLD_WIREGUARD_SECTION
                            + " is the older name of wireguard); use one");
                }
                for (VhidMapEntry entry : section(kind.get(), section, sectionEntry.value())) {
                    if (UUID.matcher(entry.key()).matches()) {
                        VhidMapEntry other = uuids.putIfAbsent(entry.key().toLowerCase(Locale.ROOT), entry);
                        if (other != null) {
                            throw new ConfigException(source + ":" + entry.line() + ":" + entry.column() + ": uuid " + entry.key()
                                    + " is also under '" + sectionsSeen.get(other.kind()) + "' (line " + other.line()
                                    + "); a uuid names one item");
                        }
                    }
                    entries.add(entry);
                }
            }
            if (sectionsSeen.isEmpty()) {
                throw error(top.at(), "no section: the VHID map needs at least one of " + String.join(", ", sections()));
            }
            return entries;
        }

        private List<VhidMapEntry> section(ItemKind kind, String section, YamlNode value) throws ConfigException {
            YamlNode.Mapping items = mapping(value, "'" + section + "' must map " + kind.label()
                    + " names (" + kind.nameField() + ") or uuids to entries");
            List<VhidMapEntry> entries = new ArrayList<>();
            for (YamlNode.Entry item : items.entries()) {
                // The tree refuses a key written twice in one mapping.
                entries.add(entry(kind, item));
            }
            return entries;
        }

        private VhidMapEntry entry(ItemKind kind, YamlNode.Entry item) throws ConfigException {
            String key = item.key();
            String what = kind.label() + " '" + key + "'";
            YamlNode.Mapping fields = mapping(item.value(), what + " needs at least 'vhid:'");
            Integer vhid = null;
            String iface = null;
            String backupVip = null;
            for (YamlNode.Entry field : fields.entries()) {
                String entryKey = field.key();
                if (!ENTRY_KEYS.contains(entryKey)) {
                    throw error(field.keyAt(), "unknown key '" + entryKey + "' in " + what
                            + or(DidYouMean.hint(entryKey, ENTRY_KEYS), " (known here: backup-vip, interface, vhid)"));
                }
                YamlNode value = field.value();
                if (!(value instanceof YamlNode.Scalar scalar)) {
                    throw error(value.at(), "'" + entryKey + "' of " + what + " must be a single value, not "
                            + (value instanceof YamlNode.Mapping ? "a mapping" : "a list"));
                }
                if (scalar.isNull()) {
                    throw error(value.at(), "'" + entryKey + "' of " + what + " needs a value");
                }
                String text = scalar.text();
                switch (entryKey) {
                    case "vhid" -> {
                        if (!text.matches("[0-9]{1,3}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 255) {
                            throw error(value.at(), "vhid of " + what + " must be a whole number 1..255, not '" + text + "'");
                        }
                        vhid = Integer.parseInt(text);
                    }
                    case "interface" -> iface = text.trim();
                    default -> {
                        if (!UUID.matcher(text.trim()).matches()) {
                            throw error(value.at(), "backup-vip of " + what + " is not a uuid");
                        }
                        backupVip = text.trim();
                    }
                }
            }
            YamlNode.Position at = item.keyAt();
            if (vhid == null) {
                throw error(at, what + " has no vhid (the CARP VHID it follows, 1..255)");
            }
            return new VhidMapEntry(kind, key, vhid, Optional.ofNullable(iface).filter(s -> !s.isEmpty()),
                    Optional.ofNullable(backupVip), source.getFileName().toString(), at.line(), at.column());
        }

        private YamlNode.Mapping mapping(YamlNode node, String problem) throws ConfigException {
            if (node instanceof YamlNode.Mapping mapping) {
                return mapping;
            }
            throw error(node.at(), problem);
        }

        private static String or(String hint, String otherwise) {
            return hint.isEmpty() ? otherwise : hint;
        }

        private ConfigException error(YamlNode.Position at, String problem) {
            return new ConfigException(source + ":" + at + ": " + problem);
        }
    }
}
