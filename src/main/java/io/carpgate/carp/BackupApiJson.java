package io.carpgate.carp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the backup's two CARP answers. Rows that are not CARP, or whose VHID is not a number, are skipped:
 * a VIP we cannot place can only make a lookup fail ("no CARP VIP with VHID n"), which is the safe side.
 * Error messages never quote the body (it is the backup's data, and Jackson would echo it).
 */
final class BackupApiJson {
    private final ObjectMapper json = new ObjectMapper();

    /** vip_settings/search_item rows. */
    List<BackupVip> vips(byte[] body) throws BadAnswer {
        List<BackupVip> out = new ArrayList<>();
        for (JsonNode row : rows(body)) {
            Optional<Integer> vhid = vhid(row);
            String uuid = row.path("uuid").asText("");
            if (!isCarp(row) || vhid.isEmpty() || uuid.isEmpty()) {
                continue;
            }
            out.add(new BackupVip(uuid, row.path("interface").asText(""), vhid.get(),
                    address(row.path("subnet").asText("")), row.path("descr").asText("")));
        }
        return out;
    }

    /** get_vip_status rows. */
    List<VipState> states(byte[] body) throws BadAnswer {
        List<VipState> out = new ArrayList<>();
        for (JsonNode row : rows(body)) {
            Optional<Integer> vhid = vhid(row);
            if ((row.has("mode") && !isCarp(row)) || vhid.isEmpty()) {
                continue;
            }
            out.add(new VipState(row.path("interface").asText(""), vhid.get(),
                    address(row.path("subnet").asText("")), row.path("status").asText("")));
        }
        return out;
    }

    private List<JsonNode> rows(byte[] body) throws BadAnswer {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw new BadAnswer("is not valid JSON");
        }
        if (root == null || !root.path("rows").isArray()) {
            throw new BadAnswer("has no 'rows' array");
        }
        List<JsonNode> rows = new ArrayList<>();
        root.path("rows").forEach(rows::add);
        return rows;
    }

    private static boolean isCarp(JsonNode row) {
        return row.path("mode").asText("").toLowerCase(Locale.ROOT).equals("carp");
    }

    private static Optional<Integer> vhid(JsonNode row) {
        String text = row.path("vhid").asText("").trim();
        return text.matches("\\d{1,3}") ? Optional.of(Integer.parseInt(text)) : Optional.empty();
    }

    /** {@code 198.51.100.5/28} -> {@code 198.51.100.5}. */
    private static String address(String subnet) {
        int slash = subnet.indexOf('/');
        return (slash < 0 ? subnet : subnet.substring(0, slash)).trim();
    }

    /** An answer that is not what the API documents; the message is fit for a reason text. */
    static final class BadAnswer extends Exception {
        BadAnswer(String message) {
            super(message);
        }
    }
}
