package dev.dynamo.core.membership;

import dev.dynamo.core.ring.NodeInfo;
import java.nio.charset.StandardCharsets;

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
 * <pre>{@code
 * MemberSyntax.isValidAddress("10.0.0.1:7081");   // true
 * MemberSyntax.isValidAddress("10.0.0.1 :7081");  // false: whitespace
 * MemberSyntax.isValidId("n1");                   // true
 * }</pre>
 */
public final class MemberSyntax {
    /** The rule an address breaks, for messages. */
    public static final String ADDRESS_RULE = "must have no whitespace or control characters and at most "
            + NodeInfo.MAX_ADDRESS_BYTES + " UTF-8 bytes";
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
