package io.carpgate.carp;

/**
 * One row of the backup's get_vip_status: interface <em>description</em> ({@code WAN2}), VHID, address
 * and the raw status text ({@code MASTER}, {@code BACKUP}, ...).
 */
public record VipState(String ifaceDescription, int vhid, String address, String status) {}
