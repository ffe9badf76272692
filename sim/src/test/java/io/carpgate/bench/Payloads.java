package io.carpgate.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The benchmark's request bodies, written the way the master's IXR writer writes them (the layout of
 * {@code fixtures/opnsense/restore_config_section.request.xml}). Every key and password in them is a
 * made-up placeholder.
 *
 * <p>The restores are a master's sync with VIP sync off: WireGuard instances whose {@code carp_depend_on}
 * names the master's VIP uuids, which are not in the payload, and a VHID map ({@link #VHID_MAP}) naming
 * each instance. carpgate must point every instance at the backup's own VIP (from the backup's API), so
 * each restore is <em>rewritten</em>. The bulk of the size is what makes real configurations large: peers
 * and firewall rules.
 */
final class Payloads {
    /** Follows VHID 7 on opt2, which the benchmark backup reports as MASTER: its restarts are forwarded. */
    static final String WG_MASTER = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    /** Follows VHID 2 on lan, BACKUP on the benchmark backup: its restarts are suppressed. */
    static final String WG_BACKUP = "11111111-2222-4333-8444-555555555555";
    /** Two more instances following VHID 7 (MASTER): their restarts are forwarded. */
    static final String WG_SITE_B = "22222222-3333-4444-8555-666666666666";
    static final String WG_SITE_C = "33333333-4444-4555-8666-777777777777";
    private static final String MASTER_VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    private static final String MASTER_VIP2 = "6a4d2b0f-9e3c-4d8b-a0f2-3b4c5d6e7f80";

    /** By uuid, so restarts are decided the same before and after carpgate has seen a restore. */
    static final String VHID_MAP = """
            instances:
              3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b: {vhid: 7, interface: opt2}
              11111111-2222-4333-8444-555555555555: {vhid: 2, interface: lan}
              22222222-3333-4444-8555-666666666666: {vhid: 7, interface: opt2}
              33333333-4444-4555-8666-777777777777: {vhid: 7, interface: opt2}
            """;

    private Payloads() {}

    static byte[] firmwareVersion() {
        return plain("opnsense.firmware_version");
    }

    /** A call without parameters, as IXR writes one (filter_configure, list_services, ...). */
    static byte[] plain(String method) {
        return ("<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>" + method + "</methodName>\n<params>\n"
                + "</params></methodCall>").getBytes(StandardCharsets.UTF_8);
    }

    /** restart_service of {@code service} (and an instance id, empty for a plain service such as unbound). */
    static byte[] restartService(String service, String id) {
        return ("""
                <?xml version="1.0"?>
                <methodCall>
                <methodName>opnsense.restart_service</methodName>
                <params>
                <param><value><struct>
                  <member><name>service</name><value><string>%s</string></value></member>
                  <member><name>id</name><value><string>%s</string></value></member>
                </struct></value></param>
                </params></methodCall>""").formatted(service, id).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] restartWireGuard(String instanceUuid) {
        return restartService("wireguard", instanceUuid);
    }

    /** A restore of at least {@code targetBytes} (and at most a few hundred bytes more), with 200 peers. */
    static byte[] restore(int targetBytes) {
        return restore(targetBytes, 200);
    }

    /**
     * A restore of at least {@code targetBytes} with {@code peers} WireGuard peers: the cold workload's
     * ~10 KB sync has a few peers only (200 alone make about 180 KB).
     */
    static byte[] restore(int targetBytes, int peers) {
        String[][] instances = {
            {WG_MASTER, "wg0-branches", MASTER_VIP7},
            {WG_BACKUP, "wg1-lan", MASTER_VIP2},
            {WG_SITE_B, "wg2-site-b", MASTER_VIP7},
            {WG_SITE_C, "wg3-site-c", MASTER_VIP7},
        };
        StringBuilder head = new StringBuilder(64 * 1024);
        head.append("<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>opnsense.restore_config_section</methodName>\n")
                .append("<params>\n<param><value><struct>\n")
                .append("  <member><name>OPNsense</name><value><struct>\n")
                .append("  <member><name>wireguard</name><value><struct>\n")
                .append("  <member><name>client</name><value><struct>\n")
                .append("  <member><name>clients</name><value><struct>\n")
                .append("  <member><name>client</name><value><array><data>\n");
        for (int p = 0; p < peers; p++) {
            head.append("  <value><struct>\n");
            attributesUuid(head, uuid(0x7e000000L + p));
            member(head, "enabled", "1");
            member(head, "name", "peer-" + p);
            member(head, "pubkey", "PEER-PUBLIC-KEY-PLACEHOLDER-" + String.format(Locale.ROOT, "%015d", p) + "=");
            member(head, "psk", "");
            member(head, "tunneladdress", "10.10." + (p / 250) + "." + (p % 250 + 2) + "/32");
            member(head, "serveraddress", "peer" + p + ".example.org");
            member(head, "serverport", "51820");
            member(head, "keepalive", "25");
            head.append("</struct></value>\n");
        }
        head.append("</data></array></value></member>\n</struct></value></member>\n</struct></value></member>\n")
                .append("  <member><name>general</name><value><struct>\n");
        member(head, "enabled", "1");
        head.append("</struct></value></member>\n")
                .append("  <member><name>server</name><value><struct>\n")
                .append("  <member><name>servers</name><value><struct>\n")
                .append("  <member><name>server</name><value><array><data>\n");
        for (int i = 0; i < instances.length; i++) {
            head.append("  <value><struct>\n");
            attributesUuid(head, instances[i][0]);
            member(head, "enabled", "1");
            member(head, "name", instances[i][1]);
            member(head, "instance", String.valueOf(i));
            member(head, "pubkey", "INSTANCE-PUBLIC-KEY-PLACEHOLDER-" + i + "=");
            member(head, "privkey", "INSTANCE-PRIVATE-KEY-PLACEHOLDER-" + i + "=");
            member(head, "port", String.valueOf(51820 + i));
            member(head, "tunneladdress", "10.1" + i + ".0.1/24");
            member(head, "disableroutes", "0");
            member(head, "carp_depend_on", instances[i][2]);
            member(head, "peers", uuid(0x7e000000L + i) + "," + uuid(0x7e000000L + i + 4));
            head.append("</struct></value>\n");
        }
        head.append("</data></array></value></member>\n</struct></value></member>\n</struct></value></member>\n")
                .append("</struct></value></member>\n</struct></value></member>\n")
                .append("  <member><name>filter</name><value><struct>\n")
                .append("  <member><name>rule</name><value><array><data>\n");
        String tail = "</data></array></value></member>\n</struct></value></member>\n"
                + "</struct></value></param>\n</params></methodCall>";

        ByteArrayOutputStream out = new ByteArrayOutputStream(targetBytes + 4096);
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        int tailBytes = tail.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder rule = new StringBuilder(1024);
        for (int r = 0; out.size() + tailBytes < targetBytes && r < 10_000_000; r++) {
            rule.setLength(0);
            rule.append("  <value><struct>\n");
            attributesUuid(rule, uuid(0x40000000L + r));
            member(rule, "type", r % 3 == 0 ? "block" : "pass");
            member(rule, "interface", r % 2 == 0 ? "lan" : "opt2");
            member(rule, "ipprotocol", "inet");
            member(rule, "statetype", "keep state");
            member(rule, "descr", "rule " + r + " from the benchmark");
            member(rule, "protocol", "tcp");
            member(rule, "source_net", "10." + (r >> 16 & 255) + "." + (r >> 8 & 255) + "." + (r & 255) + "/32");
            member(rule, "destination_port", String.valueOf(1024 + r % 60000));
            rule.append("</struct></value>\n");
            out.writeBytes(rule.toString().getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(tail.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static void attributesUuid(StringBuilder sb, String uuid) {
        sb.append("  <member><name>@attributes</name><value><struct>\n");
        member(sb, "uuid", uuid);
        sb.append("</struct></value></member>\n");
    }

    private static void member(StringBuilder sb, String name, String text) {
        sb.append("  <member><name>").append(name).append("</name><value><string>").append(text)
                .append("</string></value></member>\n");
    }

    private static String uuid(long n) {
        return String.format(Locale.ROOT, "%08x-0000-4000-8000-%012x", n & 0xffffffffL, n);
    }
}
