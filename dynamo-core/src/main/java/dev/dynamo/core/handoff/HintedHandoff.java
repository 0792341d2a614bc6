package dev.dynamo.core.handoff;

import dev.dynamo.core.cluster.NodeContext;
import dev.dynamo.core.failure.FailureDetector;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.protocol.Replies;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.time.Cancellable;
import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.version.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands hints back to their owners: every {@code intervalMillis}, for each target the
 * failure detector lets through, sends at most {@code batchSize} hints and deletes each one
 * the owner acknowledged. The throttle bounds the load on an owner that just came back;
 * an interrupted round simply leaves the rest for the next one.
 *
 * <p>A hint whose newest version is older than the tombstone grace period is dropped, not
 * delivered: by then a delete of that key may have been purged everywhere, and delivering
 * the older value would bring it back. Its owner gets the write through anti-entropy from
 * the other replicas instead.
 *
 * <pre>{@code
 * HintedHandoff h = new HintedHandoff(nodeContext, hints, 1_000, 100, grace);
 * h.start();
 * }</pre>
 */
public final class HintedHandoff implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HintedHandoff.class);

    private final String self;
    private final HintStore hints;
    private final Transport transport;
    private final FailureDetector detector;
    private final Scheduler scheduler;
    private final long intervalMillis;
    private final int batchSize;
    private final long graceMillis;
    private final long requestTimeoutMillis;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Cancellable timer;
    private volatile boolean closed;

    public HintedHandoff(NodeContext node, HintStore hints, long intervalMillis, int batchSize, long graceMillis) {
        if (intervalMillis < 1 || batchSize < 1) {
            throw new IllegalArgumentException("hint interval and batch size must be >= 1");
        }
        this.self = node.self();
        this.hints = hints;
        this.transport = node.transport();
        this.detector = node.detector();
        this.scheduler = node.scheduler();
        this.intervalMillis = intervalMillis;
        this.batchSize = batchSize;
        this.graceMillis = graceMillis;
        this.requestTimeoutMillis = node.requestTimeoutMillis();
    }

    public void start() {
        schedule();
    }

    private void schedule() {
        if (!closed) {
            timer = scheduler.schedule(() -> {
                try {
                    deliverRound();
                } catch (RuntimeException e) {
                    // a failing hint engine (a full disk) must not end delivery: the next round retries
                    LOG.warn("hint delivery round failed: {}", e.toString());
                } finally {
                    schedule();
                }
            }, intervalMillis);
        }
    }

    /** One delivery round; returns the number of hints sent. */
    public int deliverRound() {
        if (inFlight.get() > 0) {
            return 0; // the previous round is still being answered: do not pile up
        }
        int sent = 0;
        long now = scheduler.clock().millis();
        for (Map.Entry<String, Long> e : hints.pending().entrySet()) {
            String target = e.getKey();
            if (target.equals(self) || !detector.isAvailable(target)) {
                continue;
            }
            List<HintStore.Hint> batch = new ArrayList<>();
            hints.forEach(target, h -> {
                batch.add(h);
                return batch.size() < batchSize;
            });
            for (HintStore.Hint h : batch) {
                if (expired(h, now)) {
                    if (hints.remove(h)) {
                        expired.incrementAndGet();
                        LOG.warn("dropped a hint for {} older than the tombstone grace period; anti-entropy repairs it",
                                target);
                    }
                    continue;
                }
                send(h);
                sent++;
            }
        }
        return sent;
    }

    /**
     * By its versions' timestamps (the coordinators' clocks) or by how long this node has
     * held it (elapsed time): with clocks skewed past the grace period, the timestamps alone
     * would keep a hint alive after the tombstone that deleted its value was purged.
     */
    private boolean expired(HintStore.Hint h, long now) {
        long newest = 0;
        for (Version v : h.siblings().versions()) {
            newest = Math.max(newest, v.timestamp());
        }
        return now - newest > graceMillis || hints.heldMillis(h) > graceMillis;
    }

    private void send(HintStore.Hint h) {
        inFlight.incrementAndGet();
        byte[] msg = MessageCodec.encode(new Message.ReplicaWrite(h.table(), h.partition(), h.key(), h.siblings(),
                true));
        transport.send(h.target(), msg, requestTimeoutMillis).whenComplete((bytes, error) -> {
            inFlight.decrementAndGet();
            if (error == null) {
                try {
                    Replies.expect(bytes, Message.ReplicaWriteResult.class);
                    detector.success(h.target());
                    if (hints.remove(h)) {
                        delivered.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    LOG.warn("owner {} refused a hint: {}", h.target(), e.getMessage());
                }
            } else {
                detector.failure(h.target());
                LOG.debug("hint delivery to {} failed: {}", h.target(), error.toString());
            }
        });
    }

    public long delivered() {
        return delivered.get();
    }

    public long expired() {
        return expired.get();
    }

    @Override
    public void close() {
        closed = true;
        Cancellable t = timer;
        if (t != null) {
            t.cancel();
        }
    }
}
