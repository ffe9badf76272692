package io.carpgate.sim;

/**
 * A CARP VIP of the simulated backup: its own uuid, interface internal name ({@code opt2}) and
 * description ({@code WAN2}), VHID, address and prefix length, and the VIP's description.
 */
public record SimVip(String uuid, String iface, String ifaceDescription, int vhid, String address, int bits,
                     String descr) {}
