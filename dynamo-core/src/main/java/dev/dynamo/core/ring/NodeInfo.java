package dev.dynamo.core.ring;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A physical node as the ring sees it: a stable id, where to reach it, how much of
 * the ring it should own relative to the others, and the zone (data center, or rack)
 * it runs in. Preference lists spread a key's replicas over as many zones as possible
 * (see {@link Ring#preferenceList}).
 *
 * <pre>{@code
 * NodeInfo a = new NodeInfo("node-a", "10.0.0.1:7000", 1.0);          // zone "default"
 * NodeInfo big = new NodeInfo("node-b", "10.0.0.2:7000", 2.0, "dc2"); // twice as many partitions, in dc2
 * NodeInfo test = NodeInfo.of("n1");                                  // no address, capacity 1
 * }</pre>
 *
 * @param id       non-empty, no whitespace or control characters, at most
 *                 {@value #MAX_ID_BYTES} UTF-8 bytes
 * @param address  {@code host:port} with port 1-65535 (IPv6 hosts in brackets), or
 *                 {@code null} when not known (tests, planning); at most
 *                 {@value #MAX_ADDRESS_BYTES} UTF-8 bytes
 * @param capacity relative weight, finite and {@code > 0}
 * @param zone     the node's zone: {@value #ZONE_RULE}
 */
public record NodeInfo(String id, String address, double capacity, String zone) {

    /** The zone of a node that names none (every node of a cluster without zones). */
    public static final String DEFAULT_ZONE = "default";
    /** What a zone name may look like, for messages. */
    public static final String ZONE_RULE = "1 to 64 letters, digits, '-' or '_'";
    private static final Pattern ZONE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Longest node id, in UTF-8 bytes. */
    public static final int MAX_ID_BYTES = 255;
    /** Longest address, in UTF-8 bytes. */
    public static final int MAX_ADDRESS_BYTES = 1024;

    public NodeInfo {
        if (id == null || id.isEmpty() || !printable(id)) {
            throw new IllegalArgumentException(
                    "id must be non-empty without whitespace, control characters or lone surrogates, was "
                + quote(id));
        }
        if (id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
            throw new IllegalArgumentException(
                    "id must be at most " + MAX_ID_BYTES + " UTF-8 bytes, was " + quote(id));
        }
        if (address != null) {
            checkAddress(address);
        }
        if (!(capacity > 0) || Double.isInfinite(capacity)) {
            throw new IllegalArgumentException(
                    "capacity of node '" + id + "' must be finite and > 0, was " + capacity);
        }
        if (!isValidZone(zone)) {
            throw new IllegalArgumentException("zone of node '" + id + "' must be " + ZONE_RULE + ", was "
                    + quote(zone));
        }
    }

    /** A node in the {@linkplain #DEFAULT_ZONE default zone}. */
    public NodeInfo(String id, String address, double capacity) {
        this(id, address, capacity, DEFAULT_ZONE);
    }

    /** Whether {@code zone} is a valid zone name ({@value #ZONE_RULE}). */
    public static boolean isValidZone(String zone) {
        return zone != null && ZONE.matcher(zone).matches();
    }

    /** A node without address and with capacity 1. */
    public static NodeInfo of(String id) {
        return new NodeInfo(id, null, 1.0);
    }

    /** This node with another capacity. */
    public NodeInfo withCapacity(double newCapacity) {
        return new NodeInfo(id, address, newCapacity, zone);
    }

    /** This node with another address. */
    public NodeInfo withAddress(String newAddress) {
        return new NodeInfo(id, newAddress, capacity, zone);
    }

    /** This node in another zone. */
    public NodeInfo withZone(String newZone) {
        return new NodeInfo(id, address, capacity, newZone);
    }

    private static void checkAddress(String address) {
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? "" : address.substring(0, colon);
        String port = colon < 0 ? "" : address.substring(colon + 1);
        boolean ok = !host.isEmpty() && printable(address) && validPort(port)
                && address.getBytes(StandardCharsets.UTF_8).length <= MAX_ADDRESS_BYTES;
        if (ok && (host.indexOf(':') >= 0 || host.indexOf('[') >= 0 || host.indexOf(']') >= 0)) {
            // an IPv6 literal, in brackets
            ok = host.length() > 2 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']'
                    && host.indexOf('[', 1) < 0 && host.indexOf(']') == host.length() - 1;
        }
        if (!ok) {
            throw new IllegalArgumentException("address must be host:port with port 1-65535 (at most "
                    + MAX_ADDRESS_BYTES + " UTF-8 bytes), was " + quote(address));
        }
    }

    private static boolean validPort(String port) {
        if (port.isEmpty() || port.length() > 5) {
            return false;
        }
        for (int i = 0; i < port.length(); i++) {
            char c = port.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        int value = Integer.parseInt(port);
        return value >= 1 && value <= 65535;
    }

    private static boolean printable(String s) {
        // lone surrogates are rejected too: they would not survive UTF-8
        return s.codePoints().noneMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c)
                || Character.isISOControl(c) || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE));
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
