package io.carpgate.warmup;

import io.carpgate.policy.ItemKind;
import io.carpgate.policy.VhidMapEntry;
import io.carpgate.policy.VhidMap;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the warm-up sends, written as the master's IXR client writes it, and what carpgate must make of
 * each: a restore whose WireGuard instances follow the master's VIPs (carpgate points them at the
 * stand-in backup's own VIPs: <em>rewritten</em>), a WireGuard restart for a VHID the stand-in reports as
 * BACKUP (<em>suppressed</em>), one for a MASTER VHID and a plain call (both <em>forwarded</em>). Every
 * uuid, key and name here is made up.
 */
public final class WarmupCalls {
    /** VHID 7 on opt2 is MASTER on the stand-in backup, VHID 2 on lan BACKUP. */
    static final int VHID_MASTER = 7;
    static final int VHID_BACKUP = 2;
    static final String VIP_MASTER_ON_BACKUP = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    static final String VIP_BACKUP_ON_BACKUP = "0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f";
    static final String INSTANCE_ON_MASTER = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    static final String INSTANCE_ON_BACKUP = "11111111-2222-4333-8444-555555555555";
    private static final String MASTERS_VIP_7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    private static final String MASTERS_VIP_2 = "6a4d2b0f-9e3c-4d8b-a0f2-3b4c5d6e7f80";

    /** One call, and how carpgate's answer to it must look. */
    public record Call(String name, byte[] body, Predicate<String> expected) {}

    private WarmupCalls() {}

    /** The four calls, in the order a sync makes them. */
    public static List<Call> all() {
        return List.of(
                new Call("restore_config_section (rewritten)", restore(),
                        answer -> answer.contains("<boolean>1</boolean>")),
                new Call("restart_service on a BACKUP VHID (suppressed)", restartWireGuard(INSTANCE_ON_BACKUP),
                        answer -> answer.contains("carpgate suppressed")),
                new Call("restart_service on a MASTER VHID (forwarded)", restartWireGuard(INSTANCE_ON_MASTER),
                        answer -> answer.contains("has been restarted")),
                new Call("firmware_version (forwarded)", call("opnsense.firmware_version", ""),
                        answer -> answer.contains("<string>")));
    }

    /**
     * The VHID map of the AOT training's carpgate, as a file it reads (its start goes through the loader): each
     * instance by uuid, with its interface. The warm-up's own carpgate gets the same map as loaded ({@link #vhidMap()}).
     */
    public static final String VHID_MAP = "wireguard:\n"
            + "  " + INSTANCE_ON_MASTER + ": {vhid: " + VHID_MASTER + ", interface: opt2}\n"
            + "  " + INSTANCE_ON_BACKUP + ": {vhid: " + VHID_BACKUP + ", interface: lan}\n";

    /** {@link #VHID_MAP} as the configuration loader makes it: the warm-up's carpgate needs no file. */
    static VhidMap vhidMap() {
        return VhidMap.of(List.of(
                new VhidMapEntry(ItemKind.WIREGUARD, INSTANCE_ON_MASTER, VHID_MASTER, Optional.of("opt2"), Optional.empty(),
                        "(warm-up)"),
                new VhidMapEntry(ItemKind.WIREGUARD, INSTANCE_ON_BACKUP, VHID_BACKUP, Optional.of("lan"), Optional.empty(),
                        "(warm-up)")));
    }

    /** About 10 KB, the size of a small real sync: two instances, a few peers and firewall rules. */
    static byte[] restore() {
        StringBuilder sb = new StringBuilder(12 * 1024);
        sb.append("<member><name>OPNsense</name><value><struct>\n<member><name>wireguard</name><value><struct>\n")
                .append("<member><name>client</name><value><struct><member><name>clients</name><value><struct>\n")
                .append("<member><name>client</name><value><array><data>\n");
        for (int p = 0; p < 6; p++) {
            sb.append("<value><struct>\n");
            uuidAttribute(sb, String.format(Locale.ROOT, "7e000000-0000-4000-8000-%012d", p));
            member(sb, "enabled", "1");
            member(sb, "name", "peer-" + p);
            member(sb, "pubkey", "WARMUP-PEER-KEY-" + p + "=");
            member(sb, "tunneladdress", "10.10.0." + (p + 2) + "/32");
            member(sb, "serverport", "51820");
            sb.append("</struct></value>\n");
        }
        sb.append("</data></array></value></member>\n</struct></value></member></struct></value></member>\n")
                .append("<member><name>server</name><value><struct><member><name>servers</name><value><struct>\n")
                .append("<member><name>server</name><value><array><data>\n");
        instance(sb, INSTANCE_ON_MASTER, "wg0-warmup", "0", MASTERS_VIP_7);
        instance(sb, INSTANCE_ON_BACKUP, "wg1-warmup", "1", MASTERS_VIP_2);
        sb.append("</data></array></value></member>\n</struct></value></member></struct></value></member>\n")
                .append("</struct></value></member>\n</struct></value></member>\n")
                .append("<member><name>filter</name><value><struct>\n<member><name>rule</name><value><array><data>\n");
        for (int r = 0; r < 12; r++) {
            sb.append("<value><struct>\n");
            uuidAttribute(sb, String.format(Locale.ROOT, "40000000-0000-4000-8000-%012d", r));
            member(sb, "type", r % 3 == 0 ? "block" : "pass");
            member(sb, "interface", r % 2 == 0 ? "lan" : "opt2");
            member(sb, "protocol", "tcp");
            member(sb, "source_net", "10.0." + r + ".0/24");
            member(sb, "destination_port", String.valueOf(1024 + r));
            member(sb, "descr", "warm-up rule " + r);
            sb.append("</struct></value>\n");
        }
        sb.append("</data></array></value></member>\n</struct></value></member>\n");
        return call("opnsense.restore_config_section",
                "<param><value><struct>\n" + sb + "</struct></value></param>\n");
    }

    static byte[] restartWireGuard(String instance) {
        return call("opnsense.restart_service", "<param><value><struct>\n"
                + "<member><name>service</name><value><string>wireguard</string></value></member>\n"
                + "<member><name>id</name><value><string>" + instance + "</string></value></member>\n"
                + "</struct></value></param>\n");
    }

    private static byte[] call(String method, String params) {
        return ("<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>" + method + "</methodName>\n<params>\n" + params
                + "</params></methodCall>").getBytes(StandardCharsets.UTF_8);
    }

    private static void instance(StringBuilder sb, String uuid, String name, String number, String carpDependOn) {
        sb.append("<value><struct>\n");
        uuidAttribute(sb, uuid);
        member(sb, "enabled", "1");
        member(sb, "name", name);
        member(sb, "instance", number);
        member(sb, "pubkey", "WARMUP-INSTANCE-KEY-" + number + "=");
        member(sb, "port", "5182" + number);
        member(sb, "tunneladdress", "10.1" + number + ".0.1/24");
        member(sb, "carp_depend_on", carpDependOn);
        sb.append("</struct></value>\n");
    }

    private static void uuidAttribute(StringBuilder sb, String uuid) {
        sb.append("<member><name>@attributes</name><value><struct>\n");
        member(sb, "uuid", uuid);
        sb.append("</struct></value></member>\n");
    }

    private static void member(StringBuilder sb, String name, String text) {
        sb.append("<member><name>").append(name).append("</name><value><string>").append(text)
                .append("</string></value></member>\n");
    }
}
