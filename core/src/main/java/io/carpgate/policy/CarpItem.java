package io.carpgate.policy;

import io.carpgate.xmlrpc.Clip;
import java.time.Instant;
import java.util.Optional;

/**
 * An item with a CARP dependency carpgate has seen in a restore, and the VHID it follows there (when resolved).
 *
 * @param gated whether its starts wait for CARP MASTER: its kind's starts are gated and its dependency counts
 * @param vip the backup's VIP uuid its {@code carp_depend_on} names once the restore is stored, when carpgate
 *     could tell
 * @param basis where the VHID (or the lack of one) came from, in the admin's words: "the VHID map, FILE:LINE:COL",
 *     "the master's VIP in the restore", ...; empty when not said
 * @param learnedAt when the backup confirmed the restore that taught it (empty until then: the gate's own
 *     reading of a restore has no time, the pair's memory stamps it when the backup has answered)
 * @param device the network interface the backup gives it ({@code wg0}, {@code ovpnc1}), as its restore names it
 *     (see {@link ItemKind#device}); empty when the restore does not say (a relay, an older memory file)
 */
public record CarpItem(ItemKind kind, String uuid, String name, boolean gated, Optional<Integer> vhid,
                       Optional<String> iface, Optional<String> vip, String basis, Optional<Instant> learnedAt,
                       Optional<String> device) {
    /**
     * No real name, interface or reason is longer. The texts come from restores (a client's bytes): cut here, an item
     * costs little wherever it is kept or shown (the book holds up to {@link ItemBook#MAX_ITEMS}, and the status page
     * and the watch's metric labels name them). The uuid is never cut: it is what the book and every start find the
     * item by, and two uuids cut alike would be one item (bounded by the reader's value bound and the body budget).
     */
    public static final int MAX_TEXT = 1024;

    public CarpItem {
        name = cut(name);
        iface = iface.map(CarpItem::cut);
        vip = vip.map(CarpItem::cut);
        basis = cut(basis);
        device = device.map(CarpItem::cut);
    }

    /** {@code text} at most {@link #MAX_TEXT} chars, a longer one cut and marked with an ellipsis. */
    public static String cut(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "…";
    }

    /** Without a device (the restore did not say, or the caller does not care). */
    public CarpItem(ItemKind kind, String uuid, String name, boolean gated, Optional<Integer> vhid,
                    Optional<String> iface, Optional<String> vip, String basis, Optional<Instant> learnedAt) {
        this(kind, uuid, name, gated, vhid, iface, vip, basis, learnedAt, Optional.empty());
    }

    public CarpItem(ItemKind kind, String uuid, String name, boolean gated, Optional<Integer> vhid,
                    Optional<String> iface) {
        this(kind, uuid, name, gated, vhid, iface, Optional.empty(), "", Optional.empty());
    }

    /**
     * The name, else the uuid: how logs, the console and the status page name it. The name is the master's text (a
     * {@code &#10;} in it decodes to a line break), so every char that could break or reorder a line is shown as
     * '?' ({@link Clip#oneLine}, as the logs do): a name cannot forge a console line of its own.
     */
    public String shownName() {
        return Clip.oneLine(name.isEmpty() ? uuid : name);
    }

    /** As the pair's memory keeps it: taught by a restore the backup stored at {@code at}. */
    public CarpItem learnedAt(Instant at) {
        return new CarpItem(kind, uuid, name, gated, vhid, iface, vip, basis, Optional.of(at), device);
    }

    /** The same item on the network interface its restore names (an interface is the item's, not its VHID's). */
    public CarpItem withDevice(Optional<String> onDevice) {
        return new CarpItem(kind, uuid, name, gated, vhid, iface, vip, basis, learnedAt, onDevice);
    }

    /**
     * A restore that would have taught this item may or may not have been stored (its answer was lost): from now
     * on carpgate does not know which VHID the item follows on the backup, until a restore it sees stored says. Nor
     * whether the dependency counts: the restore may have made an OpenVPN server a client or a client a server (and
     * the backup may hold either), so an item of a kind whose starts can be gated is gated while in doubt.
     */
    public CarpItem inDoubt(Instant at, String why) {
        return new CarpItem(kind, uuid, name, kind.startsGated(), Optional.empty(), Optional.empty(), Optional.empty(),
                why, Optional.of(at), device);
    }
}
