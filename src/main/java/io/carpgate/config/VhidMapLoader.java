package io.carpgate.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code vhid-map.yml} token by token, so every problem is reported at its own line:
 * <pre>
 * instances:
 *   wg0-branches:          # instance name or uuid
 *     vhid: 7              # 1..255
 *     interface: opt2      # optional
 *     backup-vip: UUID     # optional
 * </pre>
 */
public final class VhidMapLoader {
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Set<String> ENTRY_KEYS = Set.of("vhid", "interface", "backup-vip");

    private VhidMapLoader() {}

    public static VhidMap load(Path file) throws ConfigException {
        Path source = file.toAbsolutePath().normalize();
        byte[] bytes = Yaml.bytes(source, "VHID map", "an 'instances:' mapping");
        // Syntax (a tab, an unclosed '{', bad indentation) and duplicate keys first, each at its own place, so a
        // syntax error is never mistaken for the value it runs into.
        YamlTree.parse(source, bytes, "VHID map", "an 'instances:' mapping");
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
            expect(parser.nextToken(), JsonToken.START_OBJECT, "the VHID map must be a mapping with 'instances:'");
            List<VhidMapEntry> entries = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                if (!key.equals("instances")) {
                    throw error("unknown key '" + key + "'" + or(DidYouMean.hint(key, Set.of("instances")),
                            " (known here: instances)"));
                }
                entries = instances();
            }
            if (entries == null) {
                throw error("missing 'instances:'");
            }
            return entries;
        }

        private List<VhidMapEntry> instances() throws IOException, ConfigException {
            expect(parser.nextToken(), JsonToken.START_OBJECT, "'instances' must map instance names or uuids to entries");
            List<VhidMapEntry> entries = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String instance = parser.currentName();
                int line = parser.currentTokenLocation().getLineNr();
                int column = parser.currentTokenLocation().getColumnNr();
                if (!seen.add(instance)) {
                    throw error("instance '" + instance + "' appears twice");
                }
                entries.add(entry(instance, line, column));
            }
            return entries;
        }

        private VhidMapEntry entry(String instance, int line, int column) throws IOException, ConfigException {
            expect(parser.nextToken(), JsonToken.START_OBJECT, "instance '" + instance + "' needs at least 'vhid:'");
            Integer vhid = null;
            String iface = null;
            String backupVip = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                if (!ENTRY_KEYS.contains(key)) {
                    throw error("unknown key '" + key + "' in instance '" + instance + "'" + or(DidYouMean.hint(key, ENTRY_KEYS),
                            " (known here: backup-vip, interface, vhid)"));
                }
                JsonToken value = parser.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    throw error("'" + key + "' of instance '" + instance + "' must be a single value, not "
                            + (value == JsonToken.START_OBJECT ? "a mapping" : "a list"));
                }
                String text = value.isScalarValue() ? parser.getText() : null;
                if (text == null || value == JsonToken.VALUE_NULL) {
                    throw error("'" + key + "' of instance '" + instance + "' needs a value");
                }
                switch (key) {
                    case "vhid" -> {
                        if (!text.matches("[0-9]{1,3}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 255) {
                            throw error("vhid of instance '" + instance + "' must be a whole number 1..255, not '" + text + "'");
                        }
                        vhid = Integer.parseInt(text);
                    }
                    case "interface" -> iface = text.trim();
                    default -> {
                        if (!UUID.matcher(text.trim()).matches()) {
                            throw error("backup-vip of instance '" + instance + "' is not a uuid");
                        }
                        backupVip = text.trim();
                    }
                }
            }
            if (vhid == null) {
                throw new ConfigException(source + ":" + line + ":" + column + ": instance '" + instance + "' has no vhid"
                        + " (the CARP VHID it follows, 1..255)");
            }
            return new VhidMapEntry(instance, vhid, Optional.ofNullable(iface).filter(s -> !s.isEmpty()),
                    Optional.ofNullable(backupVip), line);
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
