package io.carpgate.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The backup API's key and secret: {@code key:secret} on one line, or OPNsense's downloaded
 * {@code apikey.txt} ({@code key=...} and {@code secret=...}). Errors never quote the file's content.
 */
final class CredentialsFile {
    private CredentialsFile() {}

    static ApiCredentials read(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": API credentials file not found");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the API credentials file");
        }
        String key = null;
        String secret = null;
        for (String line : lines) {
            if (line.startsWith("key=")) {
                key = line.substring(4).trim();
            } else if (line.startsWith("secret=")) {
                secret = line.substring(7).trim();
            }
        }
        if (key == null && secret == null && lines.size() == 1 && lines.get(0).indexOf(':') > 0) {
            String line = lines.get(0);
            key = line.substring(0, line.indexOf(':'));
            secret = line.substring(line.indexOf(':') + 1);
        }
        if (key == null || key.isEmpty() || secret == null || secret.isEmpty()) {
            throw new ConfigException(file + ": expected one line key:secret, or the lines key=... and secret=... "
                    + "of OPNsense's apikey.txt");
        }
        return new ApiCredentials(key, secret);
    }
}
