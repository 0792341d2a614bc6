package dev.dynamo.transport.netty;

import dev.dynamo.core.limits.LimitObserver;
import dev.dynamo.core.time.Clock;
import java.util.Objects;

/**
 * Where a {@link BinaryServer} or {@link BinaryClient} reports what its limits refuse (counted
 * per limit) and what hostile input it saw (logged, rate-limited). {@link NettyTransport} gives
 * the node's {@link LimitObserver}; a server or client started on its own counts nothing.
 *
 * <pre>{@code
 * Reporting r = new Reporting(metrics, new HostileInputLog(scheduler.clock()));
 * BinaryServer.start("0.0.0.0", 7001, handler, config, loops, r);
 * }</pre>
 *
 * @param limits told each time a limit refuses something
 * @param log    the rate-limited log of hostile input
 */
record Reporting(LimitObserver limits, HostileInputLog log) {
    Reporting {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(log, "log");
    }

    /** Counts nothing; logs on the system clock. */
    static Reporting standalone() {
        return new Reporting(LimitObserver.NONE, new HostileInputLog(Clock.system()));
    }
}
