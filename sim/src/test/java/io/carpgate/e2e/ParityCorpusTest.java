package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.sim.ServiceEvent;
import io.carpgate.sim.SimulatedBackup;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spellings of a WireGuard restart that the backup's own parser and dispatcher would run. The oracle is the
 * simulated backup (its IXR emulation is independent code from carpgate's reader): each spelling is first
 * sent straight to it to prove it starts WireGuard there, then through carpgate, which must suppress or
 * refuse it. The same spelling asking for another service must still pass.
 */
@EndToEnd
class ParityCorpusTest {
    static final String WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    static final String MAP = "instances:\n  wg0-branches:\n    vhid: 7\n    interface: opt2\n";

    @TempDir
    static Path dir;
    static SimulatedBackup oracle;
    static Pair pair;
    static final RawHttps HTTP = new RawHttps();

    @BeforeAll
    static void start() throws Exception {
        byte[] restore = SyncEndToEndTestSupport.restoreWithoutVips();
        oracle = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD));
        pair = Pair.start(Files.createDirectories(dir.resolve("carpgate")), "", MAP);
        // Both backups store the instance; through carpgate its VHID (7, BACKUP) becomes known.
        assertThat(post(URI.create(oracle.baseUrl() + "/xmlrpc.php"), restore).status()).isEqualTo(200);
        assertThat(post(pair.carpgate("/xmlrpc.php"), restore).status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() throws Exception {
        pair.close();
        oracle.close();
    }

    private static RawHttps.Answer post(URI uri, byte[] body) throws Exception {
        return HTTP.post(uri, RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), body);
    }

    private static String call(String method, String params) {
        return "<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>" + method + "</methodName>\n<params>\n"
                + params + "</params></methodCall>";
    }

    private static String param(String service, String id) {
        return "<param><value><struct>\n"
                + "  <member><name>service</name><value><string>" + service + "</string></value></member>\n"
                + "  <member><name>id</name><value><string>" + id + "</string></value></member>\n"
                + "</struct></value></param>\n";
    }

    /** Spellings keyed by what they exercise; SVC stands for the service name, ID for the instance id. */
    static Map<String, String> corpus() {
        Map<String, String> c = new LinkedHashMap<>();
        String plain = call("opnsense.restart_service", param("SVC", "ID"));
        c.put("plain", plain);
        c.put("start instead of restart", call("opnsense.start_service", param("SVC", "ID")));
        c.put("methodName padded", plain.replace("<methodName>opnsense.restart_service</methodName>",
                "<methodName>\n\t opnsense.restart_service \r\n</methodName>"));
        c.put("member names padded", plain.replace("<name>service</name>", "<name>  service\n</name>")
                .replace("<name>id</name>", "<name>\tid </name>"));
        c.put("untyped string values", call("opnsense.restart_service", "<param><value><struct>"
                + "<member><name>service</name><value>SVC</value></member>"
                + "<member><name>id</name><value>ID</value></member></struct></value></param>"));
        c.put("character references", plain.replace("<string>SVC</string>", "<string>CHARREF</string>"));
        c.put("CDATA", plain.replace("<string>SVC</string>", "<string><![CDATA[SVC]]></string>"));
        c.put("split by comment and CDATA", plain.replace("<string>SVC</string>", "<string>SPLIT</string>"));
        c.put("processing instruction inside text", plain.replace("<string>SVC</string>", "<string>PISPLIT</string>"));
        c.put("duplicate member, last wins", plain.replace("<member><name>service</name>",
                "<member><name>service</name><value><string>unbound</string></value></member>\n  <member><name>service</name>"));
        c.put("id before service", call("opnsense.restart_service", "<param><value><struct>"
                + "<member><name>id</name><value><string>ID</string></value></member>"
                + "<member><name>service</name><value><string>SVC</string></value></member></struct></value></param>"));
        c.put("empty untyped id is dropped: first instance", call("opnsense.restart_service", "<param><value><struct>"
                + "<member><name>service</name><value><string>SVC</string></value></member>"
                + "<member><name>id</name><value>  </value></member></struct></value></param>"));
        c.put("id \"0\" is empty(): first instance", call("opnsense.restart_service", param("SVC", "0")));
        c.put("no id: first instance", call("opnsense.restart_service", "<param><value><struct>"
                + "<member><name>service</name><value><string>SVC</string></value></member></struct></value></param>"));
        c.put("prolog declaring ISO-8859-1 (stripped by the backup)",
                plain.replace("<?xml version=\"1.0\"?>", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"));
        c.put("no prolog, leading blank lines", "\n\n  " + plain.substring(plain.indexOf("<methodCall>")));
        c.put("CRLF line ends", plain.replace("\n", "\r\n"));
        c.put("attributes on elements", plain.replace("<value><struct>", "<value type=\"x\"><struct a=\"1\">"));
        c.put("inside system.multicall", call("system.multicall", "<param><value><array><data><value><struct>"
                + "<member><name>methodName</name><value><string>opnsense.restart_service</string></value></member>"
                + "<member><name>params</name><value><array><data><value><struct>"
                + "<member><name>service</name><value><string>SVC</string></value></member>"
                + "<member><name>id</name><value><string>ID</string></value></member>"
                + "</struct></value></data></array></value></member></struct></value></data></array></value></param>\n"));
        c.put("service as base64 (decoded to a string by the backup)",
                plain.replace("<string>SVC</string>", "<base64>B64SVC</base64>"));
        c.put("DOCTYPE with an internal entity", "<?xml version=\"1.0\"?>\n<!DOCTYPE methodCall [<!ENTITY s \"SVC\">]>\n"
                + plain.substring(plain.indexOf("<methodCall>")).replace("<string>SVC</string>", "<string>&s;</string>"));
        return c;
    }

    /** Fills a template: the service name whole, or cut into pieces the backup's parser joins again. */
    private static byte[] spell(String template, String service, String id) {
        String b64 = java.util.Base64.getEncoder().encodeToString(service.getBytes(StandardCharsets.UTF_8));
        String charRef = "&#x" + Integer.toHexString(service.charAt(0)) + ";" + service.substring(1);
        String split = service.charAt(0) + "<!-- x -->" + "<![CDATA[" + service.substring(1, 3) + "]]>" + service.substring(3);
        String piSplit = service.substring(0, 2) + "<?pi x?>" + service.substring(2);
        return template.replace("B64SVC", b64).replace("CHARREF", charRef).replace("PISPLIT", piSplit)
                .replace("SPLIT", split).replace("SVC", service).replace("ID", id).getBytes(StandardCharsets.UTF_8);
    }

    private static List<ServiceEvent> starts(List<ServiceEvent> events, String service) {
        return events.stream().filter(e -> e.service().equals(service) && !e.action().equals("stop")).toList();
    }

    @Test
    void everySpellingTheBackupWouldRunAsAWireGuardStartIsStoppedByCarpgate() throws Exception {
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, String> spelling : corpus().entrySet()) {
            byte[] body = spell(spelling.getValue(), "wireguard", WG0);

            oracle.reset();
            post(URI.create(oracle.baseUrl() + "/xmlrpc.php"), body);
            assertThat(starts(oracle.serviceEvents(), "wireguard"))
                    .as("the backup itself runs '%s' as a WireGuard start", spelling.getKey()).isNotEmpty();

            pair.backup.reset();
            RawHttps.Answer answer = post(pair.carpgate("/xmlrpc.php"), body);
            assertThat(starts(pair.backup.serviceEvents(), "wireguard"))
                    .as("'%s' must not start WireGuard through carpgate", spelling.getKey()).isEmpty();
            assertThat(answer.text()).as(spelling.getKey())
                    .containsAnyOf("carpgate suppressed", "carpgate rejected");
            checked.add(spelling.getKey());
        }
        assertThat(checked).hasSize(corpus().size());
    }

    @Test
    void theSameSpellingsForAnotherServiceStillPass() throws Exception {
        List<String> refusedOutright = List.of("service as base64 (decoded to a string by the backup)",
                "DOCTYPE with an internal entity");
        for (Map.Entry<String, String> spelling : corpus().entrySet()) {
            if (refusedOutright.contains(spelling.getKey())) {
                continue; // carpgate refuses these spellings whatever they ask for: it cannot read them as the backup does
            }
            byte[] body = spell(spelling.getValue(), "unbound", "");
            pair.backup.reset();
            post(pair.carpgate("/xmlrpc.php"), body);
            assertThat(starts(pair.backup.serviceEvents(), "unbound"))
                    .as("'%s' for unbound reaches the backup", spelling.getKey()).isNotEmpty();
        }
    }
}
