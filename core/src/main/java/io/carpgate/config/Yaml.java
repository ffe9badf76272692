package io.carpgate.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading YAML files: their bytes, or what keeps them from being read ({@link YamlTree} parses them). */
final class Yaml {
    private Yaml() {}

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
}
