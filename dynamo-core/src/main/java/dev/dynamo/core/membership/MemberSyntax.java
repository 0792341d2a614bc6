package dev.dynamo.core.membership;

import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * What a gossiped member entry's id and addresses may look like. Gossip carries what any
 * peer claims, and the node keeps it: in its view, in its metrics, in {@code cluster.ring}
 * (where a space separates a node's two addresses, so an address with a space would make the
 * file unreadable and the node unable to restart). Entries that break these rules are
 * dropped on receipt.
 *
 * <p>Addresses are the transport's names ({@code host:port} for netty, {@code local:n1} in
 * one JVM), so only what no transport uses is refused: whitespace, control characters, and
 * more than {@value NodeInfo#MAX_ADDRESS_BYTES} UTF-8 bytes. An empty address means "not
 * known" (a removed node never heard of).
 *
 * <p>What gossip may bring in is held to the stricter rules a configured node meets anyway
 * ({@link #isGossipId}, {@link #isGossipAddress}, {@link #isGossipDescription}): ids of 1 to
 * {@value #MAX_GOSSIP_ID_CHARS} ASCII letters, digits, '-' or '_' (as {@code node.id}),
 * addresses {@code host:port} of at most {@value #MAX_GOSSIP_ADDRESS_CHARS} printable ASCII
 * characters, ring change descriptions of at most {@value #MAX_DESCRIPTION_CHARS}. The looser
 * {@link #isValidId}/{@link #isValidAddress} are what {@code cluster.ring} files written by
 * earlier versions may hold, so that such a file still loads.
 *
 * <pre>{@code
 * MemberSyntax.isValidAddress("10.0.0.1:7081");   // true
 * MemberSyntax.isValidAddress("10.0.0.1 :7081");  // false: whitespace
 * MemberSyntax.isValidId("n1");                   // true
 * MemberSyntax.isGossipId("n.1");                 // false: only letters, digits, '-', '_'
 * MemberSyntax.isGossipAddress("10.0.0.1");       // false: no port
 * }</pre>
 */
public final class MemberSyntax {
    /** The rule an address breaks, for messages. */
    public static final String ADDRESS_RULE = "must have no whitespace or control characters and at most "
            + NodeInfo.MAX_ADDRESS_BYTES + " UTF-8 bytes";
    /** Longest node id gossip may bring in, in characters (as {@code node.id}). */
    public static final int MAX_GOSSIP_ID_CHARS = 64;
    /** Longest address gossip may bring in, in characters. */
    public static final int MAX_GOSSIP_ADDRESS_CHARS = 255;
    /** Longest description of a ring change ("join n6") gossip may bring in, in characters. */
    public static final int MAX_DESCRIPTION_CHARS = 128;
    /** The rules of gossiped ids and addresses, for messages. */
    public static final String GOSSIP_RULE = "ids must be 1 to " + MAX_GOSSIP_ID_CHARS
            + " letters, digits, '-' or '_'; addresses host:port of at most " + MAX_GOSSIP_ADDRESS_CHARS
            + " printable ASCII characters, no spaces";
    private static final Pattern GOSSIP_ID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_GOSSIP_ID_CHARS + "}");
    private static final int SHOWN = 64;

    private MemberSyntax() {
    }

    /** A node id as the ring accepts it: non-empty, no whitespace or control characters, bounded. */
    public static boolean isValidId(String id) {
        if (id == null) {
            return false;
        }
        try {
            NodeInfo.of(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Empty (not known), or a bounded name without whitespace or control characters. */
    public static boolean isValidAddress(String address) {
        if (address == null) {
            return false;
        }
        if (address.isEmpty()) {
            return true;
        }
        return address.length() <= NodeInfo.MAX_ADDRESS_BYTES
                && address.getBytes(StandardCharsets.UTF_8).length <= NodeInfo.MAX_ADDRESS_BYTES
                && address.codePoints().noneMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c)
                        || Character.isISOControl(c)
                        || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE));
    }

    /** A node id gossip may bring in: 1 to {@value #MAX_GOSSIP_ID_CHARS} ASCII letters, digits, '-', '_'. */
    public static boolean isGossipId(String id) {
        return id != null && GOSSIP_ID.matcher(id).matches();
    }

    /**
     * An address gossip may bring in: empty (not known), or {@code host:port} with a non-empty
     * host and port, at most {@value #MAX_GOSSIP_ADDRESS_CHARS} printable ASCII characters
     * without spaces ({@code [::1]:7081} and the in-JVM transport's {@code local:n1} pass).
     */
    public static boolean isGossipAddress(String address) {
        if (address == null) {
            return false;
        }
        if (address.isEmpty()) {
            return true;
        }
        int colon = address.lastIndexOf(':');
        return address.length() <= MAX_GOSSIP_ADDRESS_CHARS && colon > 0 && colon < address.length() - 1
                && address.chars().allMatch(c -> c > ' ' && c < 0x7f);
    }

    /** A ring change's description: at most {@value #MAX_DESCRIPTION_CHARS} printable ASCII characters. */
    public static boolean isGossipDescription(String description) {
        return description != null && description.length() <= MAX_DESCRIPTION_CHARS
                && description.chars().allMatch(c -> c >= ' ' && c < 0x7f);
    }

    /** Every node of {@code ring} has a gossip id and zone (zones follow the id rule) and, when known, a gossip address. */
    public static boolean isGossipRing(Ring ring) {
        for (NodeInfo node : ring.nodes()) {
            if (!isGossipId(node.id()) || !isGossipId(node.zone())
                    || (node.address() != null && !isGossipAddress(node.address()))) {
                return false;
            }
        }
        return true;
    }

    /** {@code text} quoted for a message: shortened, control characters shown as escapes. */
    public static String describe(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("'");
        text.codePoints().limit(SHOWN).forEach(c -> {
            if (Character.isISOControl(c) || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        out.append('\'');
        if (text.codePointCount(0, text.length()) > SHOWN) {
            out.append("... (").append(text.length()).append(" characters)");
        }
        return out.toString();
    }
}
