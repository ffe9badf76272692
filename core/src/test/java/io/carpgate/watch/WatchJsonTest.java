package io.carpgate.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The three answers in the shapes OPNsense gives them (netstat's libxo JSON through the controller). */
class WatchJsonTest {
    private final WatchJson json = new WatchJson();

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void interfaceStatisticsGiveEachDeviceUpOrDownAndWhichHoldsEachAddress() throws Exception {
        // getInterfaceStatisticsAction keys each netstat -i row by "[descr] (device) / address"; flags as libxo's 0x%x.
        String body = "{\"statistics\":{"
                + "\"[WAN2] (vtnet1) / 198.51.100.7\":{\"name\":\"vtnet1\",\"flags\":\"0x8843\",\"address\":\"198.51.100.7\"},"
                + "\"[wg0] / wg0\":{\"name\":\"wg0\",\"flags\":\"0x8051\",\"address\":\"wg0\"},"
                + "\"[wg1] / wg1\":{\"name\":\"wg1\",\"flags\":\"0x8010\",\"address\":\"wg1\"},"
                + "\"[ovpnc1] / ovpnc1\":{\"name\":\"ovpnc1\",\"flags\":32849,\"address\":\"ovpnc1\"},"
                + "\"odd\":{\"name\":\"\",\"flags\":\"0x1\"},\"odd2\":{\"name\":\"em9\",\"flags\":\"junk\"}}}";
        Map<String, Boolean> up = new HashMap<>();
        Map<String, String> addresses = new HashMap<>();
        json.interfaces(utf8(body), up, addresses);

        assertThat(up).containsExactlyInAnyOrderEntriesOf(Map.of("vtnet1", true, "wg0", true, "wg1", false,
                "ovpnc1", true));
        assertThat(addresses).containsExactlyInAnyOrderEntriesOf(Map.of("198.51.100.7", "vtnet1"));
    }

    @Test
    void routesAreTheControllersArrayOfNetstatRows() throws Exception {
        String body = "[{\"proto\":\"ipv4\",\"destination\":\"10.77.0.0/24\",\"gateway\":\"link#5\",\"flags\":\"US\","
                + "\"netif\":\"wg0\"},{\"destination\":\"default\",\"netif\":\"vtnet0\"},{\"destination\":\"\"}]";
        assertThat(json.routes(utf8(body))).containsExactly(new Route("10.77.0.0/24", "wg0"),
                new Route("default", "vtnet0"));
    }

    @Test
    void bpfStatisticsNameTheInterfacesADhcrelayListensOn() throws Exception {
        String body = "{\"bpf-statistics\":{\"bpf-entry\":[{\"pid\":4100,\"interface-name\":\"vtnet1\","
                + "\"process\":\"dhcrelay\"},{\"pid\":12,\"interface-name\":\"vtnet0\",\"process\":\"dhcpd\"}]}}";
        assertThat(json.relayDevices(utf8(body))).containsExactly("vtnet1");
    }

    @Test
    void answersWithoutTheirShapeAreErrorsThatNeverQuoteTheBody() {
        assertThatThrownBy(() -> json.routes(utf8("{\"secret\":1}"))).hasMessageNotContaining("secret");
        assertThatThrownBy(() -> json.interfaces(utf8("[\"secret\"]"), new HashMap<>(), new HashMap<>()))
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> json.relayDevices(utf8("secret{"))).hasMessage("is not valid JSON");
    }
}
