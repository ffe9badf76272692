package io.carpgate.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The ports the system hands out on its own: the source port of each outgoing connection, and a listener on port 0
 * (carpgate's warm-up binds two while carpgate starts). A listener configured on one of them can find it taken when
 * carpgate starts, by a connection of carpgate's own among others.
 */
public record EphemeralPorts(int low, int high) {
    /** Linux's range, per network namespace (a container reads its own). */
    private static final Path LINUX = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    public EphemeralPorts {
        if (low < 1 || high > 65_535 || low > high) {
            throw new IllegalArgumentException("not a port range: " + low + "-" + high);
        }
    }

    public boolean contains(int port) {
        return port >= low && port <= high;
    }

    @Override
    public String toString() {
        return low + "-" + high;
    }

    /** This system's range; empty where it cannot be read (not Linux, or no /proc). */
    public static Optional<EphemeralPorts> ofThisSystem() {
        return read(LINUX);
    }

    /** The range in a file as Linux writes it ("32768\t60999"); empty when it holds none. */
    static Optional<EphemeralPorts> read(Path file) {
        try {
            // Not Files.readString: it reads as many bytes as the file's size, and /proc gives 0.
            List<String> lines = Files.readAllLines(file);
            String[] bounds = lines.isEmpty() ? new String[0] : lines.get(0).trim().split("\\s+");
            return bounds.length == 2
                    ? Optional.of(new EphemeralPorts(Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])))
                    : Optional.empty();
        } catch (IOException | IllegalArgumentException unreadable) {
            return Optional.empty();
        }
    }
}
