package io.carpgate.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An address block such as {@code 192.0.2.1/32} or {@code 2001:db8::/64}; IPv4-mapped IPv6 clients match IPv4 blocks. */
public record Cidr(byte[] network, int prefix, String text) {

    public static Cidr parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        // Literals only: a host name here would mean a DNS lookup at start and a silent change later.
        if (!address.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            throw new IllegalArgumentException("'" + text + "' is not an address block (examples: 192.0.2.1/32, 2001:db8::/64)");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address block");
        }
        int max = bytes.length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? max : Integer.parseInt(trimmed.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': the prefix length is not a number");
        }
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("'" + text + "': prefix length must be 0.." + max);
        }
        return new Cidr(mask(bytes, prefix), prefix, trimmed);
    }

    public boolean contains(InetAddress client) {
        byte[] address = client.getAddress();
        if (client instanceof Inet6Address && network.length == 4 && isV4Mapped(address)) {
            address = Arrays.copyOfRange(address, 12, 16);
        }
        if (address.length != network.length) {
            return false;
        }
        return Arrays.equals(mask(address, prefix), network);
    }

    private static boolean isV4Mapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return false;
            }
        }
        return (v6[10] & 0xff) == 0xff && (v6[11] & 0xff) == 0xff;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int bit = prefix; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    static boolean isLoopback(InetAddress address) {
        return address.isLoopbackAddress()
                || (address instanceof Inet6Address && isV4Mapped(address.getAddress()) && address.getAddress()[12] == 127)
                || (address instanceof Inet4Address && address.getAddress()[0] == 127);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        return text;
    }
}
