package io.carpgate.carp;

/**
 * One CARP VIP configured on the backup (vip_settings/search_item): its own uuid, the interface's
 * internal name ({@code opt2}), VHID and address without prefix length.
 */
public record BackupVip(String uuid, String iface, int vhid, String address, String description) {}
