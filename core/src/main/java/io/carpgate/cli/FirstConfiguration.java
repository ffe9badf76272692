package io.carpgate.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code run} and {@code check} say when the configuration file does not exist yet: the one command that makes
 * it from the shipped examples. carpgate does not write it itself: a proxy on the sync path should not start on
 * placeholder credentials and documentation addresses nobody chose, and an installed carpgate cannot write
 * /etc/carpgate anyway.
 */
final class FirstConfiguration {
    /** Where the examples are, relative to the folder the configuration is expected in (conf/ or /etc/carpgate). */
    static final String EXAMPLES = "examples";
    /** The examples of an installed carpgate (contrib/install). */
    static final Path INSTALLED_EXAMPLES = Path.of("/opt/carpgate/conf/examples");

    private FirstConfiguration() {
    }

    /** The image's configuration folder: docker-compose.yml mounts the checkout's conf/ there, read-only. */
    static final Path IMAGE_CONF = Path.of("/opt/carpgate/conf");

    /** One line naming the command that makes {@code config} from the examples, when {@code config} does not exist. */
    static Optional<String> hint(Path config) {
        return hint(config, IMAGE_CONF);
    }

    static Optional<String> hint(Path config, Path imageConf) {
        if (Files.exists(config)) {
            return Optional.empty();
        }
        if (imageConf.equals(config.toAbsolutePath().getParent())) {
            // Inside the container the folder is read-only; the copy is made on the host, in the checkout.
            return Optional.of("carpgate: no configuration at " + config + "; on the host, in the folder of "
                    + "docker-compose.yml: cp -n conf/examples/* conf/, edit the copies, then docker compose up -d");
        }
        Path folder = config.toAbsolutePath().getParent();
        Path shown = config.getParent() == null ? Path.of(".") : config.getParent();
        Path examples = folder.resolve(EXAMPLES);
        String from;
        if (Files.isRegularFile(examples.resolve("carpgate.yml"))) {
            from = shown.resolve(EXAMPLES) + "/*";
        } else if (Files.isRegularFile(INSTALLED_EXAMPLES.resolve("carpgate.yml"))) {
            from = INSTALLED_EXAMPLES + "/*";
        } else {
            return Optional.of("carpgate: no configuration at " + config + "; make one from the examples in conf/examples/"
                    + " of a carpgate checkout (carpgate.yml, vhid-map.yml, backup-api.txt)");
        }
        return Optional.of("carpgate: no configuration at " + config + "; make yours from the examples: cp -n " + from
                + " " + shown + "/ and edit them (backup URL, pin, allow-from, API key)");
    }
}
