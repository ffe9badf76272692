package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import io.carpgate.tls.NoVerification;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcClientConfigImpl;
import org.apache.xmlrpc.client.XmlRpcSunHttpTransportFactory;
import org.apache.xmlrpc.client.XmlRpcSunHttpTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Apache XML-RPC client (another implementation than Python's) as the master, through carpgate. */
@EndToEnd
class ApacheClientEndToEndTest {
    static final String WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";

    @TempDir
    Path dir;

    private static XmlRpcClient client(String base) throws Exception {
        XmlRpcClientConfigImpl config = new XmlRpcClientConfigImpl();
        config.setServerURL(new URL(base + "xmlrpc.php"));
        config.setBasicUserName(Pair.SYNC_USER);
        config.setBasicPassword(Pair.SYNC_PASSWORD);
        config.setConnectionTimeout(10_000);
        config.setReplyTimeout(30_000);
        XmlRpcClient client = new XmlRpcClient();
        client.setConfig(config);
        SSLSocketFactory insecure = NoVerification.sslContext().getSocketFactory();
        // The master does not verify carpgate's self-signed certificate unless told to.
        client.setTransportFactory(new XmlRpcSunHttpTransportFactory(client) {
            @Override
            public org.apache.xmlrpc.client.XmlRpcTransport getTransport() {
                return new XmlRpcSunHttpTransport(client) {
                    @Override
                    protected java.net.URLConnection newURLConnection(URL url) throws java.io.IOException {
                        java.net.URLConnection connection = super.newURLConnection(url);
                        if (connection instanceof HttpsURLConnection https) {
                            https.setSSLSocketFactory(insecure);
                            https.setHostnameVerifier((host, session) -> true);
                        }
                        return connection;
                    }
                };
            }
        });
        return client;
    }

    @Test
    void forwardedCallsAnswerAndAWireGuardRestartIsSuppressedWithAReadableString() throws Exception {
        try (Pair pair = Pair.start(dir, "", "instances:\n  " + WG0 + ":\n    vhid: 7\n    interface: opt2\n")) {
            XmlRpcClient master = client(pair.base());
            Object firmware = master.execute("opnsense.firmware_version", new Object[0]);
            assertThat(firmware).isInstanceOf(Map.class);
            assertThat(((Map<?, ?>) firmware).containsKey("firmware")).isTrue();

            Object answer = master.execute("opnsense.restart_service",
                    new Object[] {Map.of("service", "wireguard", "id", WG0)});
            assertThat(answer).isInstanceOf(String.class);
            assertThat((String) answer).contains("carpgate suppressed", "VHID 7", "BACKUP");
            assertThat(pair.backup.serviceEvents()).noneMatch(e -> e.service().equals("wireguard"));

            assertThatThrownBy(() -> master.execute("opnsense.restart_service", new Object[] {Map.of("service", true)}))
                    .isInstanceOf(XmlRpcException.class).hasMessageContaining("carpgate rejected");
        }
    }
}
