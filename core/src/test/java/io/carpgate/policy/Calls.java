package io.carpgate.policy;

import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.TextSlot;
import io.carpgate.xmlrpc.XmlRpcValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds calls as the reader would hand them over; slots get distinct fake positions. */
final class Calls {
    private long next = 1000;

    XmlRpcValue.Str str(String text) {
        long start = next;
        next += text.length() + 100;
        return new XmlRpcValue.Str(text, new TextSlot(start, start + text.length(), "", ""));
    }

    XmlRpcValue.Struct struct(Object... nameValues) {
        Map<String, XmlRpcValue> members = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            Object value = nameValues[i + 1];
            members.put((String) nameValues[i], value instanceof String s ? str(s) : (XmlRpcValue) value);
        }
        return new XmlRpcValue.Struct(members);
    }

    XmlRpcValue.Array array(XmlRpcValue... items) {
        return new XmlRpcValue.Array(List.of(items));
    }

    MethodCall call(String method, XmlRpcValue... params) {
        return new MethodCall(method, List.of(params));
    }

    MethodCall service(String method, String service, String id) {
        return call(method, struct("service", service, "id", id));
    }

    XmlRpcValue.Struct wgInstance(String uuid, String name, String carpDependOn) {
        return struct("@attributes", struct("uuid", uuid), "enabled", "1", "name", name,
                "privkey", "SECRET-KEY", "carp_depend_on", carpDependOn);
    }

    XmlRpcValue.Struct vip(String uuid, String iface, String vhid) {
        return struct("@attributes", struct("uuid", uuid), "interface", iface, "mode", "carp",
                "vhid", vhid, "password", "CARP-SECRET");
    }

    /** {@code sections} of a restore: WireGuard servers (one → plain struct), and VIPs when given. */
    MethodCall restore(List<XmlRpcValue.Struct> servers, List<XmlRpcValue.Struct> vips) {
        XmlRpcValue server = servers.size() == 1 ? servers.get(0) : array(servers.toArray(XmlRpcValue[]::new));
        XmlRpcValue.Struct wireguard = struct("general", struct("enabled", "1"),
                "server", struct("servers", struct("server", server)));
        XmlRpcValue.Struct sections = vips.isEmpty()
                ? struct("OPNsense", struct("wireguard", wireguard))
                : struct("OPNsense", struct("wireguard", wireguard),
                        "virtualip", struct("vip", vips.size() == 1 ? vips.get(0) : array(vips.toArray(XmlRpcValue[]::new))));
        return call("opnsense.restore_config_section", sections);
    }
}
