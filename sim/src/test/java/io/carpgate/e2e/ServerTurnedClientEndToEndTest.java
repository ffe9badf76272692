package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.CarpStatus;
import io.carpgate.sim.OpnsenseRelease;
import io.carpgate.sim.SimulatedBackup;
import io.carpgate.testkit.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An OpenVPN instance carpgate knows as a server (its starts are not gated) is turned into a client by a restore, and
 * restarted in the same system.multicall. Decided on the book from before the restore, the start would pass as a
 * server's and the backup (25.7.11, whose start ignores CARP) would start the client while CARP BACKUP for its VHID;
 * a restore in the same batch leaves no item's role trusted, so the batch is rejected whole.
 */
@EndToEnd
class ServerTurnedClientEndToEndTest {
    static final String SERVER = "7d2e8b3f-4c5e-4f60-9bac-1d2e3f405b6c";

    @TempDir
    Path dir;
    Pair pair;

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    static String sectionsOf(String restore) {
        int from = restore.indexOf("<param>") + "<param>".length();
        int to = restore.lastIndexOf("</param>");
        return restore.substring(from, to);
    }

    @Test
    void aServerTurnedClientAndRestartedInOneMulticallIsNotStartedOnABackup() throws Exception {
        SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD).withApiCredentials(Pair.API_KEY, Pair.API_SECRET)
                .withRelease(OpnsenseRelease.V25_7));
        pair = Pair.start(dir, backup, backup.baseUrl(), backup.fingerprint().toString(), "", null);
        assertThat(backup.carpStatus(7, "opt2")).contains(CarpStatus.BACKUP);
        RawHttps http = new RawHttps();
        String auth = RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD);

        // 1. A sync as the master sends it: road-warriors is a server, carpgate learns that its starts pass.
        String restore = new String(Fixtures.items("restore.three-kinds.request.xml"), StandardCharsets.UTF_8);
        assertThat(http.post(pair.carpgate("/xmlrpc.php"), auth, restore.getBytes(StandardCharsets.UTF_8)).text())
                .contains("<boolean>1</boolean>");
        assertThat(backup.openvpnRunning()).isEmpty();

        // 2. road-warriors becomes a client (same VIP, VHID 7, for which the backup is BACKUP), restarted in the same batch.
        String asClient = restore.replace("<member><name>role</name><value><string>server</string>",
                "<member><name>role</name><value><string>client</string>");
        assertThat(asClient).isNotEqualTo(restore);
        String multicall = "<?xml version=\"1.0\"?>\n<methodCall><methodName>system.multicall</methodName><params><param>"
                + "<value><array><data>\n"
                + "<value><struct><member><name>methodName</name><value><string>opnsense.restore_config_section</string>"
                + "</value></member><member><name>params</name><value><array><data>" + sectionsOf(asClient)
                + "</data></array></value></member></struct></value>\n"
                + "<value><struct><member><name>methodName</name><value><string>opnsense.restart_service</string>"
                + "</value></member><member><name>params</name><value><array><data><value><struct>"
                + "<member><name>service</name><value><string>openvpn</string></value></member>"
                + "<member><name>id</name><value><string>" + SERVER + "</string></value></member>"
                + "</struct></value></data></array></value></member></struct></value>\n"
                + "</data></array></value></param></params></methodCall>";
        String answer = http.post(pair.carpgate("/xmlrpc.php"), auth, multicall.getBytes(StandardCharsets.UTF_8)).text();

        assertThat(answer).as("the batch is rejected whole").contains("<name>faultCode</name>");
        assertThat(backup.openvpnInstances().get(SERVER).role()).as("nothing of the batch was sent").isEqualTo("server");
        assertThat(backup.openvpnRunning())
                .as("an OpenVPN client started on a CARP BACKUP for its VHID (carpgate's answer: %s)", answer)
                .doesNotContain(SERVER);
    }
}
