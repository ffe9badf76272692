package io.carpgate.watch;

/** What is wrong on the backup. */
public enum Problem {
    /** A tunnel of an item that follows a VHID is up while the backup is not MASTER for it: a black hole. */
    UP_WHILE_NOT_MASTER,
    /** A DHCP relay does not run while the backup is MASTER for its VIP: DHCP on that network does not fail over. */
    RELAY_DOWN_WHILE_MASTER
}
