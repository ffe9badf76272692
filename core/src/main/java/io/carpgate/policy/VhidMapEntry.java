package io.carpgate.policy;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One entry of the VHID map, the admin's statement of which VHID an item of {@code kind} follows, optionally
 * where and which VIP. {@code key} is the item's name or uuid as written in the map; {@code file}, {@code line} and
 * {@code column} are where its key stands (the file's name; line 0 for an entry built in code), for messages.
 * The configuration loader builds these, the policy reads them: one type for both.
 */
public record VhidMapEntry(ItemKind kind, String key, int vhid, Optional<String> iface, Optional<String> backupVip,
                       String file, int line, int column) {
    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /**
     * A uuid is kept in lower case, as OPNsense writes every uuid and the master sends it: an admin who typed one in
     * upper case means the same item (the loader already refuses one uuid in two sections whatever its case).
     */
    public VhidMapEntry {
        key = uuidLowerCase(key);
    }

    /** {@code text} in lower case when it is a uuid, else as it is. */
    static String uuidLowerCase(String text) {
        return UUID.matcher(text).matches() ? text.toLowerCase(Locale.ROOT) : text;
    }

    /** An entry whose place is given as written in messages ("FILE:LINE", or "" when unknown). */
    public VhidMapEntry(ItemKind kind, String key, int vhid, Optional<String> iface, Optional<String> backupVip,
                    String origin) {
        this(kind, key, vhid, iface, backupVip, origin, 0, 0);
    }

    /** A WireGuard entry without a known origin (tests, and maps built in code). */
    public VhidMapEntry(String key, int vhid, Optional<String> iface, Optional<String> backupVip) {
        this(ItemKind.WIREGUARD, key, vhid, iface, backupVip, "");
    }

    /** Whether the entry names its item by uuid (else by name). */
    public boolean byUuid() {
        return UUID.matcher(key).matches();
    }

    /** "vhid-map.yml:4": where the entry stands, as decisions and the status page name it. */
    public String origin() {
        return line > 0 ? file + ":" + line : file;
    }

    /** "vhid-map.yml:4:3": the entry's key to the column. */
    public String place() {
        return line > 0 ? file + ":" + line + ":" + column : file;
    }

    /** Whether this entry names {@code item}: same kind, and its uuid or its name. */
    public boolean names(CarpItem item) {
        return kind == item.kind() && (key.equals(uuidLowerCase(item.uuid())) || (!item.name().isEmpty() && key.equals(item.name())));
    }
}
