package io.carpgate.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.carpgate.tls.NoVerification;

/**
 * The master's side of the demo: XML-RPC calls as OPNsense's IXR client writes them, POSTed over TLS to
 * {@code BASE/xmlrpc.php} without verifying the peer (the master's default).
 */
final class DemoMaster {
    static final String MASTER_VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    static final String MASTER_VIP2 = "a1b2c3d4-0000-4000-8000-0000000000a2";
    private static final Pattern STRING = Pattern.compile("<string>([^<]*)</string>");

    /** One item of the master's configuration with a CARP dependency, as the demo syncs it. */
    record Item(String kind, String label, String uuid, String name, String masterVip, int vhid, String iface) {}

    static final Item WIREGUARD = new Item("wireguard", "WireGuard instance", "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b",
            "wg0-branches", MASTER_VIP7, 7, "opt2");
    static final Item OPENVPN = new Item("openvpn", "OpenVPN client", "6c1f7a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
            "branch-client", MASTER_VIP7, 7, "opt2");
    static final Item DHCRELAY = new Item("dhcrelay", "DHCP relay", "9f40ad51-6e70-4182-bdce-3f4051627d8e", "lan",
            MASTER_VIP2, 2, "lan");
    static final List<Item> ITEMS = List.of(WIREGUARD, OPENVPN, DHCRELAY);

    private final HttpClient http;
    private final URI endpoint;
    private final String authorization;

    DemoMaster(String base, String user, String password) throws GeneralSecurityException {
        this.http = HttpClient.newBuilder().sslContext(NoVerification.sslContext()).connectTimeout(Duration.ofSeconds(10)).build();
        this.endpoint = URI.create(base.endsWith("/") ? base + "xmlrpc.php" : base + "/xmlrpc.php");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** "Synchronize and reconfigure all"; returns the answer to each item's restart, by item. */
    Map<Item, String> synchronizeAndReconfigureAll() throws IOException, InterruptedException {
        call("opnsense.firmware_version", "");
        call("opnsense.restore_config_section", param(sections()));
        call("opnsense.filter_configure", "");
        call("opnsense.configd_reload_all_templates", "");
        call("opnsense.list_services", "");
        call("opnsense.restart_service", param(service("unbound", "")));
        return restartItems();
    }

    /** The restart the master sends for each item it found in the backup's list_services. */
    Map<Item, String> restartItems() throws IOException, InterruptedException {
        Map<Item, String> answers = new LinkedHashMap<>();
        for (Item item : ITEMS) {
            answers.put(item, call("opnsense.restart_service", param(service(item.kind(), item.uuid()))));
        }
        return answers;
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

    private static String array(String... values) {
        StringBuilder out = new StringBuilder("<array><data>\n");
        for (String value : values) {
            out.append("  <value>").append(value).append("</value>\n");
        }
        return out.append("</data></array>").toString();
    }

    private static String service(String name, String id) {
        return struct(member("service", str(name)) + member("id", str(id)));
    }

    private static String uuid(String uuid) {
        return member("@attributes", struct(member("uuid", str(uuid))));
    }

    /**
     * The sections of a master whose VIPs are not synced (VIP sync off, or "No XMLRPC sync"), shaped as OPNsense
     * sends them (docs/PROTOCOL.md): each item depends on the master's VIP uuid, which the backup does not have.
     * Demo keys and passwords only.
     */
    private static String sections() {
        String server = struct(uuid(WIREGUARD.uuid()) + member("enabled", str("1"))
                + member("name", str(WIREGUARD.name())) + member("instance", str("0"))
                + member("pubkey", str("demo-public-key")) + member("privkey", str("demo-private-key"))
                + member("port", str("51820")) + member("tunneladdress", str("10.10.0.1/24"))
                + member("carp_depend_on", str(WIREGUARD.masterVip())) + member("peers", str("")));
        // config.inc's listtags() makes `servers` a list even for one instance.
        String wireguard = struct(member("general", struct(member("enabled", str("1"))))
                + member("server", struct(member("servers", array(struct(member("server", server)))))));
        String client = struct(uuid(OPENVPN.uuid()) + member("vpnid", str("1")) + member("enabled", str("1"))
                + member("role", str("client")) + member("remote", str("vpn.example.org:1194"))
                + member("username", str("branch")) + member("password", str("demo-openvpn-password"))
                + member("carp_depend_on", str(OPENVPN.masterVip())) + member("description", str(OPENVPN.name())));
        String openvpn = struct(member("Overwrites", str("")) + member("Instances", struct(member("Instance", client)))
                + member("StaticKeys", str("")));
        String relay = struct(uuid(DHCRELAY.uuid()) + member("enabled", str("1")) + member("interface", str("lan"))
                + member("destination", str("b162cf73-8092-43a4-9f01-516273849fa0")) + member("agent_info", str("0"))
                + member("carp_depend_on", str(DHCRELAY.masterVip())));
        String destination = struct(uuid("b162cf73-8092-43a4-9f01-516273849fa0") + member("name", str("dhcp-v4"))
                + member("server", str("10.0.0.10")));
        String dhcrelay = struct(member("relays", relay) + member("destinations", destination));
        return struct(member("OPNsense", struct(member("wireguard", wireguard) + member("OpenVPN", openvpn)
                + member("DHCRelay", dhcrelay))));
    }
}
