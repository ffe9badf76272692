package io.carpgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTest {
    @TempDir
    Path dir;

    static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void blocksMatchV4V6AndV4MappedClients() throws Exception {
        Cidr v4 = Cidr.parse("192.0.2.0/24");
        assertThat(v4.contains(ip("192.0.2.77"))).isTrue();
        assertThat(v4.contains(ip("192.0.3.1"))).isFalse();
        assertThat(v4.contains(ip("::ffff:192.0.2.9"))).isTrue();
        assertThat(v4.contains(ip("2001:db8::1"))).isFalse();
        Cidr host = Cidr.parse("192.0.2.1");
        assertThat(host.prefix()).isEqualTo(32);
        assertThat(host.contains(ip("192.0.2.1"))).isTrue();
        assertThat(host.contains(ip("192.0.2.2"))).isFalse();
        Cidr v6 = Cidr.parse("2001:db8:1::/48");
        assertThat(v6.contains(ip("2001:db8:1:ffff::5"))).isTrue();
        assertThat(v6.contains(ip("2001:db8:2::5"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.5"))).isTrue();
        assertThat(Cidr.parse("192.0.2.255/25")).isEqualTo(Cidr.parse("192.0.2.128/25"));
    }

    @Test
    void badBlocksAreRefused() {
        for (String bad : List.of("192.0.2.0/33", "2001:db8::/129", "firewall.example/32", "192.0.2.0/x", "")) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void withoutAllowFromOnlyLoopbackMayConnect() throws Exception {
        Access access = Access.loopbackOnly();
        assertThat(access.addressAllowed(ip("127.0.0.1"))).isTrue();
        assertThat(access.addressAllowed(ip("::1"))).isTrue();
        assertThat(access.addressAllowed(ip("192.0.2.1"))).isFalse();
        assertThat(access.describe()).contains("only loopback");
        assertThat(access.userAllowed(Optional.empty())).isTrue();
    }

    @Test
    void allowedUsersNeedAMatchingBasicUser() {
        Access access = new Access(Optional.empty(), Optional.of(Set.of("root")));
        assertThat(access.userAllowed(Optional.of("root"))).isTrue();
        assertThat(access.userAllowed(Optional.of("admin"))).isFalse();
        assertThat(access.userAllowed(Optional.empty())).isFalse();
    }

    @Test
    void theConfigurationReadsBothKeysAndRefusesAnEmptyAllowFromAtItsLine() throws Exception {
        Files.writeString(dir.resolve("api.txt"), "k:s\n");
        String base = "listen: {host: 0.0.0.0, port: 8443}\ntls: {cert: c.crt, key: c.key}\n"
                + "backup: {url: 'https://192.0.2.2', insecure: true, api-credentials: api.txt}\nlogs: {dir: logs}\n";
        Path ok = dir.resolve("ok.yml");
        Files.writeString(ok, base + "allow-from: [192.0.2.1/32, '2001:db8::/64']\nallowed-users: [root]\n");
        Access access = ConfigLoader.load(ok, Map.of()).access();
        assertThat(access.addressAllowed(ip("192.0.2.1"))).isTrue();
        assertThat(access.addressAllowed(ip("127.0.0.1"))).isFalse();
        assertThat(access.allowedUsers()).contains(Set.of("root"));
        assertThat(ConfigLoader.load(ok, Map.of()).access().describe()).contains("192.0.2.1/32");

        Path empty = dir.resolve("empty.yml");
        Files.writeString(empty, base + "allow-from: []\n");
        assertThatThrownBy(() -> ConfigLoader.load(empty, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(empty.toAbsolutePath() + ":").hasMessageContaining("allow-from is empty");
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, base + "allow-from: [master.example]\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad, Map.of())).hasMessageContaining("not an address block");
    }
}
