package io.carpgate.carp;

/**
 * One CARP VIP configured on the backup (vip_settings/search_item): its own uuid, the interface's
 * internal name ({@code opt2}), VHID, address without prefix length, and whether it is marked "No XMLRPC sync"
 * there ({@code nosync}): a restore that carries VIPs drops every other VHID VIP of the backup it does not carry.
 */
public record BackupVip(String uuid, String iface, int vhid, String address, String description, boolean nosync) {

    /** A VIP the restore treats as synced (not marked "No XMLRPC sync"), as most are. */
    public BackupVip(String uuid, String iface, int vhid, String address, String description) {
        this(uuid, iface, vhid, address, description, false);
    }
}
