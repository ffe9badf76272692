package io.carpgate.watch;

/** What is wrong on the backup. */
public enum Problem {
    /** A tunnel of an item that follows a VHID is up while the backup is not MASTER for it: a black hole. */
    UP_WHILE_NOT_MASTER,
    /** A DHCP relay does not run while the backup is MASTER for its VIP: DHCP on that network does not fail over. */
    RELAY_DOWN_WHILE_MASTER,
    /**
     * A WireGuard or OpenVPN client tunnel is up, with routes, that no item carpgate knows claims (its configuration
     * reached the backup another way, or carpgate's memory of it was lost), while the backup is MASTER for no VHID:
     * whatever it follows, it should not be up there.
     */
    UNKNOWN_TUNNEL_UP_ON_BACKUP
}
