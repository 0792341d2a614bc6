package dev.dynamo.core.table;

import java.util.Locale;

/**
 * Over which replicas a table's R and W are counted ({@code quorum} in its properties file;
 * see docs/zones.md).
 *
 * <pre>{@code
 * QuorumScope scope = QuorumScope.parse("local");   // LOCAL
 * scope.text();                                      // "local"
 * TableConfig t = TableConfig.of("t", 4, 2, 2, "memory", "lww").withQuorum(QuorumScope.EACH);
 * }</pre>
 */
public enum QuorumScope {
    /** Any R or W of the key's N replicas, wherever they are (the paper's quorum). */
    ALL,
    /** R or W replicas in the coordinator's zone: no wait on other zones. */
    LOCAL,
    /** R or W replicas in every zone that holds replicas of the key. */
    EACH;

    /** The name used in configuration and messages: "all", "local" or "each". */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The scope named {@code text} ("all", "local" or "each").
     *
     * @throws IllegalArgumentException for any other text
     */
    public static QuorumScope parse(String text) {
        for (QuorumScope s : values()) {
            if (s.text().equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("quorum scope '" + text + "' must be all, local or each");
    }
}
