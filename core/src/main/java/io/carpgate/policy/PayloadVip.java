package io.carpgate.policy;

import io.carpgate.xmlrpc.XmlRpcValue;
import io.carpgate.xmlrpc.XmlRpcValue.Str;
import io.carpgate.xmlrpc.XmlRpcValue.Struct;
import java.util.List;
import java.util.Optional;

/** A CARP VIP the master sends in the same restore ({@code virtualip.vip}, one struct or an array). */
record PayloadVip(String uuid, String iface, int vhid) {

    static List<PayloadVip> in(Struct sections) {
        return sections.struct("virtualip").flatMap(v -> v.get("vip"))
                .map(XmlRpcValue::oneOrMany).orElse(List.of()).stream()
                .filter(Struct.class::isInstance).map(Struct.class::cast)
                .filter(vip -> text(vip, "mode").equals("carp"))
                .flatMap(vip -> parseVhid(text(vip, "vhid"))
                        .map(vhid -> new PayloadVip(uuidOf(vip), text(vip, "interface"), vhid)).stream())
                .toList();
    }

    /**
     * Whether the restore replaces the backup's synced VHID VIPs with its own: it carries {@code virtualip.vip}
     * (the backup's {@code isset()}), whatever that holds. The backup then drops each VHID VIP of its own that the
     * restore does not carry and that is not marked "No XMLRPC sync".
     */
    static boolean replaced(Struct sections) {
        return sections.struct("virtualip").flatMap(v -> v.get("vip")).isPresent();
    }

    static String uuidOf(Struct element) {
        return element.struct("@attributes").flatMap(a -> a.str("uuid")).map(Str::text).orElse("");
    }

    static String text(Struct struct, String member) {
        return struct.str(member).map(Str::text).orElse("");
    }

    static Optional<Integer> parseVhid(String text) {
        String trimmed = text.trim();
        if (!trimmed.matches("[0-9]{1,3}")) {
            return Optional.empty();
        }
        int vhid = Integer.parseInt(trimmed);
        return vhid >= 1 && vhid <= 255 ? Optional.of(vhid) : Optional.empty();
    }

    boolean on(Optional<String> wanted) {
        return wanted.map(iface::equalsIgnoreCase).orElse(true);
    }
}
