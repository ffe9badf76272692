package io.carpgate.watch;

import io.carpgate.policy.ItemKind;
import java.util.List;

/**
 * One conflict between what the backup runs and its CARP state, named for the admin.
 *
 * @param item the name an admin knows the item by (its uuid when it has none)
 * @param device the backup's interface concerned ({@code wg0}, {@code ovpnc1}, the relay's interface)
 * @param carpState the backup's CARP state for {@code vhid}
 * @param networks the destinations the backup routes into {@code device} (for a tunnel up while not MASTER)
 */
public record Conflict(ItemKind kind, String uuid, String item, String device, Problem problem, int vhid,
                       String carpState, List<String> networks) {
    public Conflict {
        networks = List.copyOf(networks);
    }

    /** The same conflict across reads: the item and what is wrong with it (its routes may change meanwhile). */
    public String key() {
        return itemKey(kind, uuid) + "/" + problem.name();
    }

    /** The item a conflict is about, whatever is wrong with it. */
    public String itemKey() {
        return itemKey(kind, uuid);
    }

    static String itemKey(ItemKind kind, String uuid) {
        return kind.key() + "/" + uuid;
    }

    /** More networks than a line can usefully list: the rest are counted (the backup's table is not ours to bound). */
    static final int NETWORKS_SHOWN = 8;

    /**
     * What a route destination or an interface name looks like in the backup's netstat output ({@code 10.0.0.0/8},
     * {@code fe80::%wg0/64}, {@code default}, {@code link#5}, {@code wg0}): the only texts of the backup's that the
     * console line and the status page show as they came.
     */
    private static final java.util.regex.Pattern NETSTAT_WORD = java.util.regex.Pattern.compile("[A-Za-z0-9.:/%#_-]{1,64}");

    /**
     * A destination or a device as the backup's tables name it, else a count: the backup's own texts are a
     * compromised backup's to choose, and one with a line end in it would forge a console line of its own.
     */
    static String shown(String word) {
        return NETSTAT_WORD.matcher(word).matches() ? word : "(" + word.length() + " chars not shown)";
    }

    /** In the admin's words: what is up or down, and what it does to traffic. */
    public String text() {
        List<String> shownNetworks = networks.stream().limit(NETWORKS_SHOWN).map(Conflict::shown).toList();
        String routed = networks.size() <= NETWORKS_SHOWN ? String.join(", ", shownNetworks)
                : String.join(", ", shownNetworks) + " and " + (networks.size() - NETWORKS_SHOWN) + " more";
        String device = shown(this.device);
        return switch (problem) {
            case UP_WHILE_NOT_MASTER -> device + " (" + kind.label() + " " + item + ") is UP on the backup"
                    + (networks.isEmpty() ? "" : " and routes " + routed + " into it")
                    + " while the backup is " + carpState + " for VHID " + vhid
                    + ": replies to those networks leave through a tunnel that cannot reach its peers";
            case RELAY_DOWN_WHILE_MASTER -> kind.label() + " " + item + " (on " + device
                    + ") does not run while the backup is MASTER for VHID " + vhid
                    + ": DHCP requests on that network go unanswered";
            case UNKNOWN_TUNNEL_UP_ON_BACKUP -> device + " (a " + kind.label() + " carpgate has not seen stored in a "
                    + "sync) is UP on the backup and routes " + routed + " into it while the backup is MASTER for no "
                    + "VHID: replies to those networks leave through a tunnel that cannot reach its peers (sync its "
                    + "configuration through carpgate so that it follows a CARP VIP, or stop it on the backup)";
        };
    }
}
