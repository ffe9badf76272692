package io.carpgate.sim;

import io.carpgate.testkit.PinnedTls;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLConnection;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcClientConfigImpl;
import org.apache.xmlrpc.client.XmlRpcSunHttpTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.carpgate.e2e.EndToEnd;

/** An XML-RPC client that is not ours can talk to the simulator. */
@EndToEnd
class ApacheClientTest {
    private SimulatedBackup backup;
    private XmlRpcClient client;

    @BeforeEach
    void start() throws Exception {
        backup = SimulatedBackup.start(SimulatedBackup.Options.defaults());
        XmlRpcClientConfigImpl config = new XmlRpcClientConfigImpl();
        config.setServerURL(new URL(backup.baseUrl() + "/xmlrpc.php"));
        config.setBasicUserName("root");
        config.setBasicPassword("sync-password");
        config.setConnectionTimeout(5000);
        config.setReplyTimeout(10000);
        client = new XmlRpcClient();
        client.setConfig(config);
        javax.net.ssl.SSLSocketFactory sockets = PinnedTls.context(backup.fingerprint()).getSocketFactory();
        // Per-connection TLS settings: no JVM-wide HttpsURLConnection defaults are touched.
        client.setTransportFactory(() -> new XmlRpcSunHttpTransport(client) {
            @Override
            protected URLConnection newURLConnection(URL url) throws java.io.IOException {
                URLConnection connection = super.newURLConnection(url);
                if (connection instanceof HttpsURLConnection https) {
                    https.setSSLSocketFactory(sockets);
                    https.setHostnameVerifier((host, session) -> true); // the pin is the check
                }
                return connection;
            }
        });
    }

    @AfterEach
    void stop() {
        backup.close();
    }

    @Test
    void callsFirmwareVersionListMethodsAndRestart() throws Exception {
        Object version = client.execute("opnsense.firmware_version", List.of());
        assertThat(version).isInstanceOf(Map.class);
        // The default simulated release is the newest checked, 26.7.2 (firmware_version_xmlrpc: opnsense-version).
        assertThat(((Map<?, ?>) ((Map<?, ?>) version).get("firmware")).get("version")).isEqualTo("26.7.2");

        Object[] methods = (Object[]) client.execute("system.listMethods", List.of());
        assertThat(methods).contains("system.multicall", "opnsense.restart_service");

        Object answer = client.execute("opnsense.restart_service", List.of(Map.of("service", "unbound", "id", "")));
        assertThat(answer).isEqualTo("Service `unbound' has been restarted.");
        assertThat(backup.serviceEvents()).containsExactly(new ServiceEvent("restart", "unbound", "", "up"));
        assertThat(backup.received().get(0).headers()).containsEntry("Authorization", "Basic root");
    }

    @Test
    void restoreConfigSectionReturnsTrue() throws Exception {
        Map<String, Object> server = Map.of("@attributes", Map.of("uuid", "u-1"), "enabled", "1", "name", "wg9",
                "carp_depend_on", "");
        // WireGuard's general.enabled must be on: wireguard_services() lists (and wg-service-control.php starts)
        // no instance otherwise.
        Map<String, Object> sections = Map.of("OPNsense", Map.of("wireguard", Map.of("general", Map.of("enabled", "1"),
                "server", Map.of("servers", Map.of("server", server)))));
        assertThat(client.execute("opnsense.restore_config_section", List.of(sections))).isEqualTo(Boolean.TRUE);
        assertThat(backup.wireguardInstances()).containsEntry("u-1", new StoredInstance("u-1", "wg9", true, ""));
        client.execute("opnsense.start_service", List.of(Map.of("service", "wireguard", "id", "u-1")));
        assertThat(backup.wireguardUp()).containsExactly("u-1"); // empty carp_depend_on: no dependency
    }
}
