package io.carpgate.sim;

/**
 * A DHCP relay ({@code OPNsense.DHCRelay.relays}) as the backup stored it; {@code server} is its destination's
 * server list, empty when the destination does not exist (then OPNsense neither lists nor starts it).
 */
public record StoredRelay(String uuid, String iface, boolean enabled, String destination, String server,
                          String carpDependOn) {}
