package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.xmlrpc.XmlRpcValue;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * OPNsense runs dhcrelay for a relay whose destination is IPv4 and dhcrelay6 for an IPv6 one (dhcrelay.inc). The watch
 * sees a relay run by its BPF listener, which only dhcrelay holds (PROTOCOL.md): an IPv6 relay running on the MASTER
 * would be called down. It is given no device, so the watch does not judge it; an IPv4 relay keeps its interface.
 */
class RelayFamilyTest {
    private final Calls c = new Calls();

    private Optional<String> deviceOfRelayTo(String server) {
        XmlRpcValue.Struct relay = c.struct("@attributes", c.struct("uuid", "0b8a3f4c-1d2e-4f50-8a6b-7c8d9e0f1a2b"),
                "enabled", "1", "interface", "lan", "destination", "d1d1d1d1-0000-4000-8000-000000000001",
                "carp_depend_on", GateTest.BACKUP_VIP2);
        XmlRpcValue.Struct destination = c.struct("@attributes", c.struct("uuid", "d1d1d1d1-0000-4000-8000-000000000001"),
                "name", "dhcp", "server", server);
        XmlRpcValue.Struct sections = c.struct("OPNsense", c.struct("DHCRelay", c.struct("relays", relay,
                "destinations", destination)), "virtualip", c.struct("vip", c.array(c.vip(GateTest.BACKUP_VIP2, "lan", "2"))));
        Verdict verdict = Gate.decide(c.call("opnsense.restore_config_section", sections),
                GateTest.inputs(ItemBook.empty(), GateTest.view("MASTER", "MASTER")));
        return verdict.learned().stream().filter(i -> i.kind() == ItemKind.DHCRELAY).findFirst().orElseThrow().device();
    }

    @Test
    void anIpv4RelayIsWatchedOnItsInterfaceAndAnIpv6OneIsNotJudged() {
        assertThat(deviceOfRelayTo("192.0.2.53")).contains("lan");
        assertThat(deviceOfRelayTo("2001:db8::53")).isEmpty();
    }
}
