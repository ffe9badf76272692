package io.carpgate.carp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the backup's two CARP answers. Rows that are not CARP, or whose VHID is not a number, are skipped:
 * a VIP we cannot place can only make a lookup fail ("no CARP VIP with VHID n"), which is the safe side.
 * Error messages never quote the body (it is the backup's data, and Jackson would echo it).
 *
 * <p>The answers are read as a token stream and only the fields below are ever turned into text. Every other
 * field is stepped over unread: {@code search_item} returns each VIP's CARP {@code password} in clear, and
 * Jackson skips a string it is never asked for without building it, so the password exists only in the
 * answer's bytes while they are parsed (the client clears them afterwards).
 */
final class BackupApiJson {
    /** The only fields read; anything else (the password above all) is skipped. */
    private static final Set<String> READ = Set.of("uuid", "interface", "mode", "subnet", "vhid", "descr", "status", "nosync");
    private final JsonFactory json = new JsonFactory();

    /** vip_settings/search_item rows. */
    List<BackupVip> vips(byte[] body) throws BadAnswer {
        List<BackupVip> out = new ArrayList<>();
        for (Map<String, String> row : rows(body)) {
            Optional<Integer> vhid = vhid(row);
            String uuid = field(row, "uuid");
            if (!isCarp(row) || vhid.isEmpty() || uuid.isEmpty()) {
                continue;
            }
            out.add(new BackupVip(uuid, field(row, "interface"), vhid.get(), address(field(row, "subnet")),
                    field(row, "descr"), marked(field(row, "nosync"))));
        }
        return out;
    }

    /** A BooleanField as the restore's PHP reads it ({@code !empty()}): "0" and "" are not set. */
    private static boolean marked(String flag) {
        return !flag.isEmpty() && !flag.equals("0");
    }

    /** get_vip_status rows. */
    List<VipState> states(byte[] body) throws BadAnswer {
        List<VipState> out = new ArrayList<>();
        for (Map<String, String> row : rows(body)) {
            Optional<Integer> vhid = vhid(row);
            if ((row.containsKey("mode") && !isCarp(row)) || vhid.isEmpty()) {
                continue;
            }
            out.add(new VipState(field(row, "interface"), vhid.get(), address(field(row, "subnet")),
                    field(row, "status")));
        }
        return out;
    }

    /** The {@code rows} array's objects, each reduced to the {@link #READ} fields it has (last duplicate wins). */
    private List<Map<String, String>> rows(byte[] body) throws BadAnswer {
        try (JsonParser parser = json.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new BadAnswer("has no 'rows' array");
            }
            List<Map<String, String>> rows = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("rows") && value == JsonToken.START_ARRAY) {
                    rows = rowsOf(parser);
                } else {
                    if (name.equals("rows")) {
                        rows = null; // a later "rows" that is no array replaces an earlier one, as a tree would
                    }
                    parser.skipChildren();
                }
            }
            if (rows == null) {
                throw new BadAnswer("has no 'rows' array");
            }
            return rows;
        } catch (IOException e) {
            throw new BadAnswer("is not valid JSON");
        }
    }

    private static List<Map<String, String>> rowsOf(JsonParser parser) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (token == null) {
                throw new IOException("unexpected end");
            }
            if (token != JsonToken.START_OBJECT) {
                parser.skipChildren(); // not a row; a tree would have read no field of it either
                continue;
            }
            Map<String, String> row = new HashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (READ.contains(name) && value.isScalarValue()) {
                    row.put(name, value == JsonToken.VALUE_NULL ? "" : parser.getText());
                } else {
                    row.remove(name);
                    parser.skipChildren(); // containers skipped whole; a scalar's text is never asked for
                }
            }
            rows.add(row);
        }
        return rows;
    }

    private static String field(Map<String, String> row, String name) {
        return row.getOrDefault(name, "");
    }

    private static boolean isCarp(Map<String, String> row) {
        return field(row, "mode").toLowerCase(Locale.ROOT).equals("carp");
    }

    private static Optional<Integer> vhid(Map<String, String> row) {
        String text = field(row, "vhid").trim();
        return text.matches("\\d{1,3}") ? Optional.of(Integer.parseInt(text)) : Optional.empty();
    }

    /** {@code 198.51.100.5/28} -> {@code 198.51.100.5}; a bare address (search_item's {@code subnet}) as it is. */
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
