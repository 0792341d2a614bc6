package dev.dynamo.core.version;

import dev.dynamo.api.Context;
import dev.dynamo.api.LimitExceededException;

/**
 * The limits on the context a client hands to a put or delete. A context is opaque to clients
 * but travels through their hands, so a buggy or hostile one can send any well-formed clock;
 * without these limits such a clock could make a key unwritable for everyone:
 *
 * <ul>
 *   <li>{@value #MAX_COUNTER_SETTING} (default {@value #MAX_COUNTER}, 2^48): no counter in a
 *       client's context may claim more than that, unless the key has already seen that
 *       counter. A forged counter near 2^63 once made the coordinator's next dot overflow,
 *       and every later write of the key through that node failed. 2^48 writes of one key by
 *       one node take nine years at a million writes a second, so a real context never comes
 *       near; and the dots a coordinator makes above a context's counter grow by one per
 *       write, so after this check they cannot reach 2^63 either ({@value #MAX_COUNTER_CEILING}
 *       is the most it may be set to).</li>
 *   <li>{@value #MAX_ENTRIES_SETTING} (default {@value #MAX_ENTRIES}): clock entries plus exact
 *       events of one request's context.</li>
 *   <li>{@value #MAX_KEY_ENTRIES_SETTING} (default {@value #MAX_KEY_ENTRIES}): a write may not
 *       grow the context a read of the key returns past this by naming nodes in its context
 *       that the key has not seen here. Without it, writes naming a few invented nodes each
 *       would grow the key's context until reads return one no write accepts (or no HTTP
 *       header can carry), and the key's siblings could no longer be resolved. The
 *       coordinator's own dot never counts against it, and it is at most
 *       {@value #MAX_ENTRIES_SETTING} (by default half of it) so that contexts merged from
 *       several replicas still fit in a request.</li>
 * </ul>
 *
 * <p>They are node settings (docs/limits.md), validated at start; every node of a cluster
 * should have the same values, since each must accept the contexts the others hand out.
 *
 * <pre>{@code
 * ContextLimits limits = ContextLimits.DEFAULT.withMaxEntries(512);
 * limits.checkRequest(context);                 // where a put or delete enters
 * limits.checkCounters(context, current);       // where the coordinator makes the dot
 * limits.checkGrowth(context, current, stored); // before it stores the new version
 * }</pre>
 *
 * @param maxEntries    {@value #MAX_ENTRIES_SETTING}, 1 to {@link Context#MAX_ENTRIES}
 * @param maxCounter    {@value #MAX_COUNTER_SETTING}, {@value #MAX_COUNTER_FLOOR} to {@value #MAX_COUNTER_CEILING}
 * @param maxKeyEntries {@value #MAX_KEY_ENTRIES_SETTING}, 1 to {@code maxEntries}
 */
public record ContextLimits(int maxEntries, long maxCounter, int maxKeyEntries) {
    public static final String MAX_COUNTER_SETTING = "context.max-counter";
    /** The default of {@value #MAX_COUNTER_SETTING}. */
    public static final long MAX_COUNTER = 1L << 48;
    /** The least {@value #MAX_COUNTER_SETTING} may be: a busy key's real counters must never reach it. */
    public static final long MAX_COUNTER_FLOOR = 1L << 32;
    /** The most {@value #MAX_COUNTER_SETTING} may be: far enough below 2^63 that dots made above it never overflow. */
    public static final long MAX_COUNTER_CEILING = 1L << 62;
    public static final String MAX_ENTRIES_SETTING = "context.max-entries";
    /** The default of {@value #MAX_ENTRIES_SETTING}. */
    public static final int MAX_ENTRIES = 256;
    public static final String MAX_KEY_ENTRIES_SETTING = "context.max-key-entries";
    /** The default of {@value #MAX_KEY_ENTRIES_SETTING}. */
    public static final int MAX_KEY_ENTRIES = MAX_ENTRIES / 2;

    public static final ContextLimits DEFAULT = new ContextLimits(MAX_ENTRIES, MAX_COUNTER, MAX_KEY_ENTRIES);

    public ContextLimits {
        if (maxEntries < 1 || maxEntries > Context.MAX_ENTRIES) {
            throw new IllegalArgumentException(MAX_ENTRIES_SETTING + " must be between 1 and " + Context.MAX_ENTRIES
                    + ", was " + maxEntries);
        }
        if (maxCounter < MAX_COUNTER_FLOOR || maxCounter > MAX_COUNTER_CEILING) {
            throw new IllegalArgumentException(MAX_COUNTER_SETTING + " must be between " + MAX_COUNTER_FLOOR + " and "
                    + MAX_COUNTER_CEILING + ", was " + maxCounter);
        }
        if (maxKeyEntries < 1 || maxKeyEntries > maxEntries) {
            throw new IllegalArgumentException(MAX_KEY_ENTRIES_SETTING + " must be between 1 and " + MAX_ENTRIES_SETTING
                    + " (" + maxEntries + "), was " + maxKeyEntries);
        }
    }

    /**
     * The checks that need no stored state: the number of entries.
     *
     * @throws LimitExceededException naming {@value #MAX_ENTRIES_SETTING}
     */
    public void checkRequest(Context context) {
        int entries = entries(context);
        if (entries > maxEntries) {
            throw LimitExceededException.of("the number of entries in the write's context", MAX_ENTRIES_SETTING,
                    entries, maxEntries);
        }
    }

    /**
     * Refuses a counter over {@code maxCounter} that the key has not already seen here
     * ({@code current}): a context read from a key stored before this limit existed may
     * carry one, and writing it back must still work.
     *
     * @throws LimitExceededException naming {@value #MAX_COUNTER_SETTING}
     */
    public void checkCounters(Context context, SiblingSet current) {
        for (var e : context.clock().entries()) {
            checkCounter(e.node(), e.counter(), current);
        }
        for (Context.Event e : context.events()) {
            checkCounter(e.node(), e.counter(), current);
        }
    }

    private void checkCounter(String node, long counter, SiblingSet current) {
        if (counter > maxCounter && counter > current.maxCounter(node)) {
            throw LimitExceededException.of("a counter in the write's context", MAX_COUNTER_SETTING, counter,
                    maxCounter);
        }
    }

    /**
     * Refuses a write whose context would grow the key's context (what a read returns) past
     * {@code maxKeyEntries} with entries other than the coordinator's own dot. Writes that
     * name nothing new (a blind write, or a write-back of what a read returned) always pass.
     *
     * @param before the key's versions before the write
     * @param after  the key's versions with the write
     * @throws LimitExceededException naming {@value #MAX_KEY_ENTRIES_SETTING}
     */
    public void checkGrowth(Context context, SiblingSet before, SiblingSet after) {
        if (context.isEmpty()) {
            return; // adds the coordinator's dot and nothing else
        }
        int grown = entries(after.context());
        if (grown > maxKeyEntries && grown > entries(before.context()) + 1) {
            throw LimitExceededException.of("the number of entries in the key's context", MAX_KEY_ENTRIES_SETTING,
                    grown, maxKeyEntries);
        }
    }

    /** Clock entries plus exact events. */
    public static int entries(Context context) {
        return context.clock().size() + context.events().size();
    }
}
