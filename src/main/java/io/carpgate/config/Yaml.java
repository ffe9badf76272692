package io.carpgate.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Reading YAML files: their bytes, and {@code file:line:column: problem} for what goes wrong. */
final class Yaml {
    private Yaml() {}

    /** Jackson over YAML, strict about duplicates; the VHID map is read through its token stream. */
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
            throw new ConfigException("cannot read the " + what + ": " + FileProblem.of(file, e));
        }
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            throw new ConfigException(file + ": the " + what + " is empty; it needs " + needs);
        }
        return bytes;
    }

    static String where(Path file, JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return file + ": ";
        }
        return file + ":" + location.getLineNr() + ":" + location.getColumnNr() + ": ";
    }

    /**
     * A problem Jackson's YAML parser reports. A syntax error keeps the YAML parser's explanation in words
     * ({@link YamlSyntax}), placed where the mistake is; Jackson's own first line otherwise.
     */
    static ConfigException syntax(Path file, byte[] bytes, JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException marked) {
            return YamlSyntax.error(file, new String(bytes, StandardCharsets.UTF_8), marked);
        }
        String message = e.getOriginalMessage() == null ? "unreadable YAML" : e.getOriginalMessage();
        if (message.startsWith("Duplicate field")) {
            message = "duplicate key " + message.substring("Duplicate field".length()).trim();
        }
        return new ConfigException(where(file, e.getLocation()) + YamlTree.firstLine(message), e);
    }
}
