package io.carpgate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The version Maven wrote into the jar. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/carpgate-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        }
        return new String[] {"carpgate " + properties.getProperty("version", "unknown"),
                "Java " + System.getProperty("java.version")};
    }
}
