package io.carpgate.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.carpgate.policy.ItemKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code vhid-map.yml} token by token, so every problem is reported at its own line. One section per
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
        // Syntax (a tab, an unclosed '{', bad indentation) and duplicate keys first, each at its own place, so a
        // syntax error is never mistaken for the value it runs into.
        YamlTree.parse(source, bytes, "VHID map", expected);
        try (JsonParser parser = Yaml.mapper().getFactory().createParser(bytes)) {
            return new VhidMap(Optional.of(source), new Reader(source, parser).document());
        } catch (JsonProcessingException e) {
            throw Yaml.syntax(source, bytes, e);
        } catch (IOException e) {
            throw new ConfigException("cannot read the VHID map: " + FileProblem.of(source, e));
        }
    }

    private record Reader(Path source, JsonParser parser) {
        List<VhidMapEntry> document() throws IOException, ConfigException {
            expect(parser.nextToken(), JsonToken.START_OBJECT,
                    "the VHID map must be a mapping with sections " + String.join(", ", sections()));
            List<VhidMapEntry> entries = new ArrayList<>();
            Map<ItemKind, String> sectionsSeen = new EnumMap<>(ItemKind.class);
            Map<String, VhidMapEntry> uuids = new HashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String section = parser.currentName();
                Optional<ItemKind> kind = section.equals(OLD_WIREGUARD_SECTION) ? Optional.of(ItemKind.WIREGUARD)
                        : ItemKind.byKey(section);
                if (kind.isEmpty()) {
                    throw error("unknown key '" + section + "'" + or(DidYouMean.hint(section, Set.copyOf(sections())),
                            " (known here: " + String.join(", ", sections()) + ")"));
                }
                String earlier = sectionsSeen.putIfAbsent(kind.get(), section);
                if (earlier != null) {
                    throw error(earlier.equals(section) ? "section '" + section + "' appears twice"
                            : "'" + section + "' and '" + earlier + "' are the same section (" + OLD_WIREGUARD_SECTION
                            + " is the older name of wireguard); use one");
                }
                for (VhidMapEntry entry : section(kind.get(), section)) {
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
                throw error("no section: the VHID map needs at least one of " + String.join(", ", sections()));
            }
            return entries;
        }

        private List<VhidMapEntry> section(ItemKind kind, String section) throws IOException, ConfigException {
            expect(parser.nextToken(), JsonToken.START_OBJECT, "'" + section + "' must map " + kind.label()
                    + " names (" + kind.nameField() + ") or uuids to entries");
            List<VhidMapEntry> entries = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                int line = parser.currentTokenLocation().getLineNr();
                int column = parser.currentTokenLocation().getColumnNr();
                if (!seen.add(key)) {
                    throw error(kind.label() + " '" + key + "' appears twice in '" + section + "'");
                }
                entries.add(entry(kind, key, line, column));
            }
            return entries;
        }

        private VhidMapEntry entry(ItemKind kind, String key, int line, int column) throws IOException, ConfigException {
            String what = kind.label() + " '" + key + "'";
            expect(parser.nextToken(), JsonToken.START_OBJECT, what + " needs at least 'vhid:'");
            Integer vhid = null;
            String iface = null;
            String backupVip = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String entryKey = parser.currentName();
                if (!ENTRY_KEYS.contains(entryKey)) {
                    throw error("unknown key '" + entryKey + "' in " + what + or(DidYouMean.hint(entryKey, ENTRY_KEYS),
                            " (known here: backup-vip, interface, vhid)"));
                }
                JsonToken value = parser.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    throw error("'" + entryKey + "' of " + what + " must be a single value, not "
                            + (value == JsonToken.START_OBJECT ? "a mapping" : "a list"));
                }
                String text = value.isScalarValue() ? parser.getText() : null;
                if (text == null || value == JsonToken.VALUE_NULL) {
                    throw error("'" + entryKey + "' of " + what + " needs a value");
                }
                switch (entryKey) {
                    case "vhid" -> {
                        if (!text.matches("[0-9]{1,3}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 255) {
                            throw error("vhid of " + what + " must be a whole number 1..255, not '" + text + "'");
                        }
                        vhid = Integer.parseInt(text);
                    }
                    case "interface" -> iface = text.trim();
                    default -> {
                        if (!UUID.matcher(text.trim()).matches()) {
                            throw error("backup-vip of " + what + " is not a uuid");
                        }
                        backupVip = text.trim();
                    }
                }
            }
            if (vhid == null) {
                throw new ConfigException(source + ":" + line + ":" + column + ": " + what + " has no vhid"
                        + " (the CARP VHID it follows, 1..255)");
            }
            return new VhidMapEntry(kind, key, vhid, Optional.ofNullable(iface).filter(s -> !s.isEmpty()),
                    Optional.ofNullable(backupVip), line, column);
        }

        private static String or(String hint, String otherwise) {
            return hint.isEmpty() ? otherwise : hint;
        }

        private void expect(JsonToken actual, JsonToken wanted, String problem) throws ConfigException {
            if (actual != wanted) {
                throw error(problem);
            }
        }

        private ConfigException error(String problem) {
            JsonLocation location = parser.currentTokenLocation();
            return new ConfigException(Yaml.where(source, location) + problem);
        }
    }
}
