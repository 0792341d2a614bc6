package dev.dynamo.transport.netty;

import dev.dynamo.core.time.Cancellable;
import dev.dynamo.core.time.Scheduler;
import dev.dynamo.security.tls.TlsReloader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a transport's TLS files for a rotation every {@code tls.reload-interval-ms}, on the
 * node's {@link Scheduler} (so a simulation's virtual time drives it too), until stopped. What
 * one check finds is {@link TlsReloader}'s to log.
 *
 * <pre>{@code
 * TlsPolling polling = TlsPolling.start(tls.reloader(), scheduler, 60_000);
 * polling.stop();
 * }</pre>
 */
final class TlsPolling {
    private static final Logger LOG = LoggerFactory.getLogger(TlsPolling.class);

    private final TlsReloader reloader;
    private final Scheduler scheduler;
    private final long intervalMillis;
    private final Object lock = new Object();
    private Cancellable next;
    private boolean stopped;

    private TlsPolling(TlsReloader reloader, Scheduler scheduler, long intervalMillis) {
        this.reloader = reloader;
        this.scheduler = scheduler;
        this.intervalMillis = intervalMillis;
    }

    static TlsPolling start(TlsReloader reloader, Scheduler scheduler, long intervalMillis) {
        TlsPolling polling = new TlsPolling(reloader, scheduler, intervalMillis);
        polling.schedule();
        return polling;
    }

    private void schedule() {
        synchronized (lock) {
            if (!stopped) {
                next = scheduler.schedule(this::poll, intervalMillis);
            }
        }
    }

    private void poll() {
        try {
            reloader.reloadIfChanged();
        } catch (RuntimeException e) {
            // keep polling: the next rotation may well be readable
            LOG.warn("checking the TLS files for a rotation failed: {}", e.toString());
        }
        schedule();
    }

    /** No check after this one returns. Idempotent. */
    void stop() {
        synchronized (lock) {
            stopped = true;
            if (next != null) {
                next.cancel();
            }
        }
    }
}
