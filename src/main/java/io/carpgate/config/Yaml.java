package io.carpgate.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads a YAML file into a record and turns Jackson's errors into {@code file:line:column: problem}. */
final class Yaml {
    private Yaml() {}

    static ObjectMapper mapper() {
        return new ObjectMapper(new YAMLFactory())
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /**
     * The file's bytes; a missing, unreadable or blank file is a {@link ConfigException}.
     * @param what what the file is, for the message ("configuration", "VHID map")
     * @param needs what an empty file lacks, for the message
     */
    static byte[] bytes(Path file, String what, String needs) throws ConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": " + what + " not found");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the " + what + ": " + FileAccess.explain(e));
        }
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw new ConfigException(file + ": the " + what + " is empty; it needs " + needs);
        }
        return bytes;
    }

    static <T> T read(Path file, Class<T> type) throws ConfigException {
        byte[] bytes = bytes(file, "configuration", "at least listen, tls, backup and logs");
        try {
            return mapper().readValue(bytes, type);
        } catch (UnrecognizedPropertyException e) {
            int line = keyLine(bytes, e.getPropertyName(), e.getLocation() == null ? 0 : e.getLocation().getLineNr());
            String where = line > 0 ? file + ":" + line + ": " : where(file, e.getLocation());
            throw new ConfigException(where + problem(e), e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(where(file, e.getLocation()) + problem(e), e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
    }

    /**
     * The YAML parser reads ahead, so for an unknown key it may report the line after the key's value.
     * The key itself stands on the nearest line at or before that one which names it.
     */
    private static int keyLine(byte[] bytes, String key, int reported) {
        String[] lines = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).split("\n", -1);
        java.util.regex.Pattern named = java.util.regex.Pattern.compile(
                "(^|[\\s{,])['\"]?" + java.util.regex.Pattern.quote(key) + "['\"]?\\s*:");
        for (int line = Math.min(reported, lines.length); line >= 1; line--) {
            if (named.matcher(lines[line - 1]).find()) {
                return line;
            }
        }
        return 0;
    }

    static String where(Path file, JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return file + ": ";
        }
        return file + ":" + location.getLineNr() + ":" + location.getColumnNr() + ": ";
    }

    private static String problem(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null ? "" : unknown.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            return "unknown key '" + unknown.getPropertyName() + "'" + (known.isEmpty() ? "" : " (known here: " + known + ")");
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null && e.getCause().getMessage() != null) {
            return e.getCause().getMessage();
        }
        String message = e.getOriginalMessage();
        if (message.startsWith("Missing required creator property")) {
            int q1 = message.indexOf('\'');
            int q2 = message.indexOf('\'', q1 + 1);
            return "missing required key " + (q1 >= 0 && q2 > q1 ? message.substring(q1, q2 + 1) : "");
        }
        if (message.startsWith("Duplicate field")) {
            return "duplicate key " + message.substring("Duplicate field".length()).trim();
        }
        // Jackson's own words otherwise; the first line only (no source excerpt with possible values).
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
