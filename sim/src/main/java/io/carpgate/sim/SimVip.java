package io.carpgate.sim;

/**
 * A CARP VIP of the simulated backup: its own uuid, interface internal name ({@code opt2}) and
 * description ({@code WAN2}), VHID, address and prefix length, the VIP's description, its CARP password
 * (which {@code vip_settings/search_item} returns in clear) and whether it is marked "No XMLRPC sync".
 */
public record SimVip(String uuid, String iface, String ifaceDescription, int vhid, String address, int bits,
                     String descr, String password, boolean nosync) {
    /** The password every VIP gets unless given: tests look for it where it must not appear. */
    public static final String DEFAULT_PASSWORD = "sim-carp-password-never-show";

    public SimVip(String uuid, String iface, String ifaceDescription, int vhid, String address, int bits,
                  String descr) {
        this(uuid, iface, ifaceDescription, vhid, address, bits, descr, DEFAULT_PASSWORD, false);
    }

    /** This VIP marked "No XMLRPC sync": a restore keeps it beside the master's. */
    public SimVip markedNosync() {
        return new SimVip(uuid, iface, ifaceDescription, vhid, address, bits, descr, password, true);
    }

    @Override
    public String toString() {
        return "SimVip[" + uuid + ", " + iface + ", vhid " + vhid + ", " + address + "/" + bits
                + (nosync ? ", nosync" : "") + "]"; // never the password
    }
}
