package io.carpgate.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.carpgate.tls.NoVerification;

/**
 * The master's side of the demo: XML-RPC calls as OPNsense's IXR client writes them, POSTed over TLS to
 * {@code BASE/xmlrpc.php} without verifying the peer (the master's default).
 */
final class DemoMaster {
    static final String INSTANCE = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    static final String INSTANCE_NAME = "wg0-branches";
    static final String MASTER_VIP = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    private static final Pattern STRING = Pattern.compile("<string>([^<]*)</string>");

    private final HttpClient http;
    private final URI endpoint;
    private final String authorization;

    DemoMaster(String base, String user, String password) throws GeneralSecurityException {
        this.http = HttpClient.newBuilder().sslContext(NoVerification.sslContext()).connectTimeout(Duration.ofSeconds(10)).build();
        this.endpoint = URI.create(base.endsWith("/") ? base + "xmlrpc.php" : base + "/xmlrpc.php");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** "Synchronize and reconfigure all"; returns the answer to the WireGuard restart. */
    String synchronizeAndReconfigureAll() throws IOException, InterruptedException {
        call("opnsense.firmware_version", "");
        call("opnsense.restore_config_section", param(sections()));
        call("opnsense.filter_configure", "");
        call("opnsense.configd_reload_all_templates", "");
        call("opnsense.list_services", "");
        call("opnsense.restart_service", param(service("unbound", "")));
        return restartWireGuard();
    }

    String restartWireGuard() throws IOException, InterruptedException {
        return call("opnsense.restart_service", param(service("wireguard", INSTANCE)));
    }

    private String call(String method, String params) throws IOException, InterruptedException {
        String body = "<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>" + method + "</methodName>\n<params>\n"
                + params + "</params></methodCall>";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "text/xml").header("User-Agent", "XML_RPC").header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IOException(method + " answered HTTP " + response.statusCode());
        }
        Matcher string = STRING.matcher(response.body());
        return string.find() ? string.group(1).replace("&#039;", "'").replace("&amp;", "&") : "(no string)";
    }

    private static String param(String value) {
        return "<param><value>" + value + "</value></param>\n";
    }

    private static String member(String name, String value) {
        return "  <member><name>" + name + "</name><value>" + value + "</value></member>\n";
    }

    private static String str(String text) {
        return "<string>" + text + "</string>";
    }

    private static String struct(String members) {
        return "<struct>\n" + members + "</struct>";
    }

    private static String service(String name, String id) {
        return struct(member("service", str(name)) + member("id", str(id)));
    }

    /**
     * The WireGuard section of a master whose VIP for VHID 7 is not synced (VIP sync off, or "No XMLRPC
     * sync"): the instance depends on the master's VIP uuid, which the backup does not have. Demo keys only.
     */
    private static String sections() {
        String server = struct(member("@attributes", struct(member("uuid", str(INSTANCE))))
                + member("enabled", str("1")) + member("name", str(INSTANCE_NAME)) + member("instance", str("0"))
                + member("pubkey", str("demo-public-key")) + member("privkey", str("demo-private-key"))
                + member("port", str("51820")) + member("tunneladdress", str("10.10.0.1/24"))
                + member("carp_depend_on", str(MASTER_VIP)) + member("peers", str("")));
        String wireguard = struct(member("general", struct(member("enabled", str("1"))))
                + member("server", struct(member("servers", struct(member("server", server))))));
        return struct(member("OPNsense", struct(member("wireguard", wireguard))));
    }
}
