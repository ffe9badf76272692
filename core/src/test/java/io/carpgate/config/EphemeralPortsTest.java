package io.carpgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The system's range of ports it hands out, as Linux writes it. */
class EphemeralPortsTest {
    @TempDir
    Path dir;

    @Test
    void theRangeIsReadAsLinuxWritesItAndHoldsBothEnds() throws Exception {
        EphemeralPorts range = EphemeralPorts.read(Files.writeString(dir.resolve("range"), "32768\t60999\n")).orElseThrow();
        assertThat(range).isEqualTo(new EphemeralPorts(32768, 60999));
        assertThat(range.contains(32768)).isTrue();
        assertThat(range.contains(60999)).isTrue();
        assertThat(range.contains(32767)).isFalse();
        assertThat(range.contains(61000)).isFalse();
        assertThat(range).hasToString("32768-60999");
    }

    @Test
    void whatIsNotARangeIsNoRange() throws Exception {
        for (String content : new String[] {"", "\n", "32768\n", "a b\n", "60999 32768\n", "0 100\n", "1 70000\n",
                                            "1 2 3\n"}) {
            assertThat(EphemeralPorts.read(Files.writeString(dir.resolve("range"), content))).as(content).isEmpty();
        }
        assertThat(EphemeralPorts.read(dir.resolve("missing"))).isEmpty();
        assertThatThrownBy(() -> new EphemeralPorts(10, 9)).isInstanceOf(IllegalArgumentException.class);
    }

    /** On Linux, /proc gives a size of 0: the range must still be read (Files.readString would read nothing). */
    @Test
    void thisLinuxSystemsRangeIsRead() throws Exception {
        Path linux = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(linux), "not Linux");
        String[] bounds = Files.readAllLines(linux).get(0).trim().split("\\s+");
        assertThat(EphemeralPorts.ofThisSystem()).contains(
                new EphemeralPorts(Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])));
    }
}
