package io.carpgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.config.CarpgateConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminHostsTest {
    private static boolean answers(AdminHosts hosts, String host) {
        return hosts.answers(Optional.of(host));
    }

    @Test
    void onLoopbackTheDefaultNamesAndTheBindAddressWithAnyPort() {
        AdminHosts hosts = new AdminHosts("127.0.0.1", CarpgateConfig.DEFAULT_ADMIN_HOSTS);
        assertThat(List.of("localhost", "localhost:9180", "127.0.0.1:1", "[::1]:9180", "[::1]", "LocalHost"))
                .allMatch(h -> answers(hosts, h));
        assertThat(List.of("evil.example", "10.0.0.1", "127.0.0.2", "[::2]", "::1", "localhost:", "localhost:99999x",
                "[::1]x", "")).noneMatch(h -> answers(hosts, h));
    }

    /** Bound to every address (a container): any IP literal is this listener's own; a name still has to be listed. */
    @Test
    void onAWildcardBindAnyIpLiteralButOnlyListedNames() {
        AdminHosts hosts = new AdminHosts("0.0.0.0", CarpgateConfig.DEFAULT_ADMIN_HOSTS);
        assertThat(List.of("172.17.0.2:9180", "192.0.2.10", "[2001:db8::1]:9180", "localhost"))
                .allMatch(h -> answers(hosts, h));
        assertThat(List.of("evil.example", "carpgate.example.net:9180", "1.2.3.4.nip.io"))
                .noneMatch(h -> answers(hosts, h));
    }

    @Test
    void anIpv6BindAddressIsAnsweredInBrackets() {
        AdminHosts hosts = new AdminHosts("fd00::5", List.of("monitor.example.net"));
        assertThat(answers(hosts, "[fd00::5]:9180")).isTrue();
        assertThat(answers(hosts, "monitor.example.net")).isTrue();
        assertThat(answers(hosts, "localhost")).as("admin.hosts replaces the defaults").isFalse();
    }
}
