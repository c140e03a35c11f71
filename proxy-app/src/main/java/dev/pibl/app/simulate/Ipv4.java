package dev.pibl.app.simulate;

/**
 * Dotted IPv4 addresses as ints, for giving each simulated client its own address: the n-th
 * address from a first one, skipping those ending in .0 and .255, which look like network and
 * broadcast addresses to people reading a log and to some tools. Stateless.
 */
final class Ipv4 {

    private Ipv4() {
    }

    /**
     * Parses a dotted quad, without resolving anything.
     *
     * @throws IllegalArgumentException when {@code text} is not four numbers 0..255
     */
    static int parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("\"" + text + "\" (expected: an IPv4 address such as 127.1.0.1)");
        }
        int address = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("\"" + text + "\" (expected: an IPv4 address such as 127.1.0.1)");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("\"" + text + "\" (expected: an IPv4 address such as 127.1.0.1)");
            }
            address = address << 8 | octet;
        }
        return address;
    }

    static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }

    /** The first usable address at or after {@code address}: one not ending in .0 or .255. */
    static int usable(int address) {
        while ((address & 0xff) == 0 || (address & 0xff) == 0xff) {
            address++;
        }
        return address;
    }

    /** The address after {@code address} that does not end in .0 or .255. */
    static int next(int address) {
        return usable(address + 1);
    }

    /** The first octet: 127 for loopback. */
    static int firstOctet(int address) {
        return address >>> 24;
    }
}
