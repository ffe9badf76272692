package io.carpgate.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The two REST endpoints carpgate reads, shaped like the backup's JSON (numbers as strings). */
final class ApiResponder {
    static final String VIP_STATUS = "/api/diagnostics/interface/get_vip_status";
    static final String VIP_SETTINGS = "/api/interfaces/vip_settings/search_item";

    private final ObjectMapper json = new ObjectMapper();
    private final BackupState state;

    ApiResponder(BackupState state) {
        this.state = state;
    }

    /** The JSON body for a known endpoint path, empty for any other path. */
    Optional<byte[]> answer(String path) {
        return switch (path) {
            case VIP_STATUS -> Optional.of(write(vipStatus()));
            case VIP_SETTINGS -> Optional.of(write(vipSettings()));
            case SimNetwork.INTERFACES -> Optional.of(write(state.network().interfaceStatistics()));
            case SimNetwork.BPF -> Optional.of(write(state.network().bpfStatistics()));
            case SimNetwork.ROUTES -> Optional.of(write(state.network().routes()));
            default -> Optional.empty();
        };
    }

    static byte[] unauthorized() {
        return "{\"status\":401,\"message\":\"Authentication Failed\"}".getBytes(StandardCharsets.UTF_8);
    }

    /** The key authenticated but its user lacks the endpoint's privilege (ACL). */
    static byte[] forbidden() {
        return "{\"status\":403,\"message\":\"Forbidden\"}".getBytes(StandardCharsets.UTF_8);
    }

    static byte[] unavailable() {
        return "{\"errorMessage\":\"Unexpected error, check log for details\",\"errorTitle\":\"An error occurred\"}"
                .getBytes(StandardCharsets.UTF_8);
    }

    private Map<String, Object> vipStatus() {
        List<Object> rows = new ArrayList<>();
        for (SimVip v : state.vips()) {
            String status = state.statusOf(v).name();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("interface", v.ifaceDescription());
            row.put("vhid", Integer.toString(v.vhid()));
            row.put("advbase", "1");
            row.put("advskew", "100");
            row.put("subnet", v.address());
            row.put("status", status);
            row.put("mode", "carp");
            row.put("status_txt", status);
            row.put("vhid_txt", v.vhid() + " (freq. 1/100)");
            rows.add(row);
        }
        Map<String, Object> carp = new LinkedHashMap<>();
        carp.put("demotion", "0");
        carp.put("allow", "1");
        carp.put("maintenancemode", false);
        Map<String, Object> out = page(rows);
        out.put("carp", carp);
        return out;
    }

    /**
     * vip_settings/search_item (searchBase over the Vip model): every field of every VIP, as the model stores it:
     * {@code subnet} without the prefix ({@code subnet_bits} apart), the CARP {@code password} in clear,
     * {@code nosync}, and the volatile {@code address} and {@code vhid_txt} (empty here).
     */
    private Map<String, Object> vipSettings() {
        List<Object> rows = new ArrayList<>();
        for (SimVip v : state.vips()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("uuid", v.uuid());
            row.put("interface", v.iface());
            row.put("mode", "carp");
            row.put("subnet", v.address());
            row.put("subnet_bits", Integer.toString(v.bits()));
            row.put("gateway", "");
            row.put("noexpand", "0");
            row.put("nobind", "0");
            row.put("password", v.password());
            row.put("vhid", Integer.toString(v.vhid()));
            row.put("advbase", "1");
            row.put("advskew", "100");
            row.put("peer", "");
            row.put("peer6", "");
            row.put("nosync", v.nosync() ? "1" : "0");
            row.put("address", "");
            row.put("vhid_txt", "");
            row.put("descr", v.descr());
            rows.add(row);
        }
        return page(rows);
    }

    private static Map<String, Object> page(List<Object> rows) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", rows.size());
        out.put("rowCount", rows.size());
        out.put("current", 1);
        out.put("rows", rows);
        return out;
    }

    private byte[] write(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write simulator JSON", e);
        }
    }
}
