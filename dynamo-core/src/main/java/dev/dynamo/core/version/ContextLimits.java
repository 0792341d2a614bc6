package dev.dynamo.core.version;

import dev.dynamo.api.Context;
import dev.dynamo.api.LimitExceededException;

/**
 * The limits on the context a client hands to a put or delete. A context is opaque to clients
 * but travels through their hands, so a buggy or hostile one can send any well-formed clock;
 * without these limits such a clock could make a key unwritable for everyone:
 *
 * <ul>
 *   <li>{@value #MAX_COUNTER_SETTING} ({@value #MAX_COUNTER}, 2^48): no counter in a client's
 *       context may claim more than that, unless the key has already seen that counter. A
 *       forged counter near 2^63 once made the coordinator's next dot overflow, and every
 *       later write of the key through that node failed. 2^48 writes of one key by one node
 *       take nine years at a million writes a second, so a real context never comes near;
 *       and the dots a coordinator makes above a context's counter grow by one per write, so
 *       after this check they cannot reach 2^63 either.</li>
 *   <li>{@value #MAX_ENTRIES_SETTING} ({@value #MAX_ENTRIES}): clock entries plus exact events
 *       of one request's context.</li>
 *   <li>{@value #MAX_KEY_ENTRIES_SETTING} ({@value #MAX_KEY_ENTRIES}): a write may not grow the
 *       context a read of the key returns past this by naming nodes in its context that the key
 *       has not seen here. Without it, writes naming a few invented nodes each would grow the
 *       key's context until reads return one no write accepts (or no HTTP header can carry),
 *       and the key's siblings could no longer be resolved. The coordinator's own dot never
 *       counts against it, and it is half of {@value #MAX_ENTRIES_SETTING} so that contexts
 *       merged from several replicas still fit in a request.</li>
 * </ul>
 *
 * <p>These are constants, not configuration: they protect the data's format, and every node
 * must accept the contexts every other node hands out.
 *
 * <pre>{@code
 * ContextLimits.checkRequest(context);                 // where a put or delete enters
 * ContextLimits.checkCounters(context, current);       // where the coordinator makes the dot
 * ContextLimits.checkGrowth(context, current, stored); // before it stores the new version
 * }</pre>
 */
public final class ContextLimits {
    public static final String MAX_COUNTER_SETTING = "context.max-counter";
    public static final long MAX_COUNTER = 1L << 48;
    public static final String MAX_ENTRIES_SETTING = "context.max-entries";
    public static final int MAX_ENTRIES = 256;
    public static final String MAX_KEY_ENTRIES_SETTING = "context.max-key-entries";
    public static final int MAX_KEY_ENTRIES = MAX_ENTRIES / 2;

    private ContextLimits() {
    }

    /**
     * The checks that need no stored state: the number of entries.
     *
     * @throws LimitExceededException naming {@value #MAX_ENTRIES_SETTING}
     */
    public static void checkRequest(Context context) {
        int entries = entries(context);
        if (entries > MAX_ENTRIES) {
            throw LimitExceededException.of("the number of entries in the write's context", MAX_ENTRIES_SETTING,
                    entries, MAX_ENTRIES);
        }
    }

    /**
     * Refuses a counter over {@value #MAX_COUNTER} that the key has not already seen here
     * ({@code current}): a context read from a key stored before this limit existed may
     * carry one, and writing it back must still work.
     *
     * @throws LimitExceededException naming {@value #MAX_COUNTER_SETTING}
     */
    public static void checkCounters(Context context, SiblingSet current) {
        for (var e : context.clock().entries()) {
            checkCounter(e.node(), e.counter(), current);
        }
        for (Context.Event e : context.events()) {
            checkCounter(e.node(), e.counter(), current);
        }
    }

    private static void checkCounter(String node, long counter, SiblingSet current) {
        if (counter > MAX_COUNTER && counter > current.maxCounter(node)) {
            throw LimitExceededException.of("a counter in the write's context", MAX_COUNTER_SETTING, counter,
                    MAX_COUNTER);
        }
    }

    /**
     * Refuses a write whose context would grow the key's context (what a read returns) past
     * {@value #MAX_KEY_ENTRIES} with entries other than the coordinator's own dot. Writes that
     * name nothing new (a blind write, or a write-back of what a read returned) always pass.
     *
     * @param before the key's versions before the write
     * @param after  the key's versions with the write
     * @throws LimitExceededException naming {@value #MAX_KEY_ENTRIES_SETTING}
     */
    public static void checkGrowth(Context context, SiblingSet before, SiblingSet after) {
        if (context.isEmpty()) {
            return; // adds the coordinator's dot and nothing else
        }
        int grown = entries(after.context());
        if (grown > MAX_KEY_ENTRIES && grown > entries(before.context()) + 1) {
            throw LimitExceededException.of("the number of entries in the key's context", MAX_KEY_ENTRIES_SETTING,
                    grown, MAX_KEY_ENTRIES);
        }
    }

    /** Clock entries plus exact events. */
    public static int entries(Context context) {
        return context.clock().size() + context.events().size();
    }
}
