package dev.dynamo.core.transport.local;

import dev.dynamo.core.spi.MessageHandler;
import dev.dynamo.core.spi.Extensions;
import dev.dynamo.core.spi.TransportContext;
import dev.dynamo.core.spi.TransportException;
import dev.dynamo.core.time.Scheduler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * An in-memory network shared by the nodes of one in-JVM cluster, with deterministic fault
 * injection. Every request and every response is delivered by a task on the network's
 * {@link Scheduler} after a latency ({@link #DEFAULT_LATENCY_MILLIS} by default, plus
 * jitter when set); payloads are copied, so sender and receiver never share an array.
 *
 * <p><b>Determinism.</b> Every random choice (drops, duplicates, jitter) comes from one
 * seeded {@link Random}, in the order messages are sent. Under a
 * {@link dev.dynamo.core.time.VirtualScheduler} everything runs on the test thread, so a run
 * is a function of the seed, the faults and the workload: same seed, same trace
 * ({@link #addListener}), same times.
 *
 * <p><b>Faults</b> (all changeable at any time):
 * <ul>
 *   <li>{@link #setLatency} base latency and jitter of every link; jitter reorders messages;</li>
 *   <li>{@link #setDropProbability(double)}, per directed link
 *       {@link #setDropProbability(String, String, double)} (overrides the global one);</li>
 *   <li>{@link #setLinkDelay} extra delay and jitter of one directed link;</li>
 *   <li>{@link #setDuplicateProbability}: the handler sees a request twice, the first answer wins;</li>
 *   <li>{@link #partition}, {@link #isolate}, {@link #heal}: blocked links lose messages both
 *       ways, also those already in flight; senders see TIMEOUT;</li>
 *   <li>{@link #crash}, {@link #restart}: a crashed node receives nothing (senders see
 *       UNREACHABLE, as for a refused connection), loses what was in flight to it and the
 *       answers it was computing, fails its own pending sends with UNREACHABLE and cannot
 *       send;</li>
 *   <li>{@link #pause}: like a long GC pause, messages to and from the node wait until the
 *       pause ends, then go in arrival order.</li>
 * </ul>
 *
 * <p><b>Threads.</b> Thread-safe: shared state is guarded by one lock, handlers and future
 * callbacks run outside it. Under a {@link dev.dynamo.core.time.SystemScheduler} runs are
 * not reproducible, but every fault still works.
 *
 * <pre>{@code
 * VirtualScheduler scheduler = new VirtualScheduler(0);
 * LocalNetwork network = new LocalNetwork(scheduler, 42);
 * LocalTransport a = network.transport("a");
 * LocalTransport b = network.transport("b");
 * b.start((from, request) -> CompletableFuture.completedFuture(request));
 * a.start((from, request) -> CompletableFuture.completedFuture(new byte[0]));
 * network.setLatency(1, 4);
 * network.setDropProbability(0.1);
 * network.partition(Set.of("a"), Set.of("b"));
 * CompletableFuture<byte[]> reply = a.send("b", payload, 500);
 * scheduler.runFor(1_000);              // reply failed with TIMEOUT
 * network.heal();
 * }</pre>
 *
 * <p>Through the plugin seam, pass the network among the {@link TransportContext#extensions()}
 * (see {@link #contextFor}) and use {@code Plugins.transport("local")}.
 */
public final class LocalNetwork {

    /** Base one-way latency of every link unless {@link #setLatency} changes it. */
    public static final long DEFAULT_LATENCY_MILLIS = 1;

    /** Depth to which failure causes are unwrapped to find the remote message. */
    private static final int MAX_CAUSE_DEPTH = 16;

    private static final class Node {
        LocalTransport transport;
        boolean crashed;
        long epoch;
        long pausedUntil = Long.MIN_VALUE;
    }

    private record Link(String from, String to) {
    }

    /** Per directed link: drop probability (NaN: use the global one), extra delay, extra jitter. */
    private record LinkFaults(double dropProbability, long extraDelayMillis, long jitterMillis) {
    }

    /** A request in flight; epochs detect a crash of either end while it travels. */
    private record Request(long id, String from, String to, byte[] payload, LocalTransport sender,
                           long senderEpoch, LocalTransport target, long targetEpoch) {
    }

    /** A response in flight, from the request's target back to its sender. */
    private record Response(Request request, byte[] payload, String error) {
        int size() {
            return payload != null ? payload.length : error.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    private final Scheduler scheduler;
    private final Object lock = new Object();

    // everything below is guarded by lock
    private final Random random;
    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<Link, LinkFaults> linkFaults = new HashMap<>();
    private final Set<Link> blocked = new HashSet<>();
    private final Set<String> isolated = new HashSet<>();
    private final List<Consumer<? super NetworkEvent>> listeners = new ArrayList<>();
    private long baseLatencyMillis = DEFAULT_LATENCY_MILLIS;
    private long jitterMillis;
    private double dropProbability;
    private double duplicateProbability;
    private long nextMessageId;
    private long requestsSent;
    private long requestsDelivered;
    private long requestsDropped;
    private long requestsDuplicated;
    private long requestsRefused;
    private long responsesSent;
    private long responsesDelivered;
    private long responsesDropped;
    private long lateResponses;
    private long bytesSent;

    /** A network on {@code scheduler} whose random choices come from {@code new Random(seed)}. */
    public LocalNetwork(Scheduler scheduler, long seed) {
        this(scheduler, new Random(seed));
    }

    /** A network on {@code scheduler} whose random choices come from {@code random} (now owned by it). */
    public LocalNetwork(Scheduler scheduler, Random random) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The scheduler that delivers messages and fires timeouts. */
    public Scheduler scheduler() {
        return scheduler;
    }

    // ------------------------------------------------------------------ membership

    /**
     * Joins node {@code nodeId} and returns its transport (not started). A node whose
     * transport was closed may join again; its crash and pause state is kept.
     *
     * @throws IllegalStateException when the node already has an open transport
     */
    public LocalTransport transport(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        synchronized (lock) {
            Node node = nodes.computeIfAbsent(nodeId, id -> new Node());
            if (node.transport != null) {
                throw new IllegalStateException("node '" + nodeId
                        + "' already has an open transport on this network; close it first");
            }
            node.transport = new LocalTransport(this, nodeId);
            return node.transport;
        }
    }

    /**
     * A context that makes {@code Plugins.transport("local").create(...)} join this network
     * as {@code nodeId}: no properties, this network's scheduler, addresses {@code "local:<id>"}.
     */
    public TransportContext contextFor(String nodeId) {
        return new TransportContext(nodeId, id -> "local:" + id, Map.of(), scheduler,
                Extensions.NONE.with(LocalNetwork.class, this));
    }

    /** Ids of the nodes that ever joined, sorted. */
    public Set<String> nodes() {
        synchronized (lock) {
            return new TreeSet<>(nodes.keySet());
        }
    }

    void leave(LocalTransport transport) {
        synchronized (lock) {
            Node node = nodes.get(transport.localNode());
            if (node != null && node.transport == transport) {
                node.transport = null;
            }
        }
    }

    // ------------------------------------------------------------------ faults

    /** Sets the one-way latency of every link: {@code baseMillis} plus uniform {@code [0, jitterMillis]}. */
    public void setLatency(long baseMillis, long jitterMillis) {
        requireNonNegative("baseMillis", baseMillis);
        requireNonNegative("jitterMillis", jitterMillis);
        synchronized (lock) {
            this.baseLatencyMillis = baseMillis;
            this.jitterMillis = jitterMillis;
        }
    }

    /** Probability that any message (request or response) is lost, unless its link overrides it. */
    public void setDropProbability(double probability) {
        requireProbability("probability", probability);
        synchronized (lock) {
            this.dropProbability = probability;
        }
    }

    /** Probability that a message from {@code from} to {@code to} is lost; overrides the global one. */
    public void setDropProbability(String from, String to, double probability) {
        requireProbability("probability", probability);
        Link link = new Link(Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to"));
        synchronized (lock) {
            LinkFaults old = linkFaults.getOrDefault(link, new LinkFaults(Double.NaN, 0, 0));
            linkFaults.put(link, new LinkFaults(probability, old.extraDelayMillis(), old.jitterMillis()));
        }
    }

    /** Adds {@code extraMillis} plus uniform {@code [0, jitterMillis]} to the link from {@code from} to {@code to}. */
    public void setLinkDelay(String from, String to, long extraMillis, long jitterMillis) {
        requireNonNegative("extraMillis", extraMillis);
        requireNonNegative("jitterMillis", jitterMillis);
        Link link = new Link(Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to"));
        synchronized (lock) {
            LinkFaults old = linkFaults.getOrDefault(link, new LinkFaults(Double.NaN, 0, 0));
            linkFaults.put(link, new LinkFaults(old.dropProbability(), extraMillis, jitterMillis));
        }
    }

    /**
     * Probability that a delivered request reaches its handler twice (each copy with its own
     * latency); the first answer completes the sender's future, the other is a late response.
     */
    public void setDuplicateProbability(double probability) {
        requireProbability("probability", probability);
        synchronized (lock) {
            this.duplicateProbability = probability;
        }
    }

    /**
     * Blocks every link between a node of {@code sideA} and a node of {@code sideB}, both
     * ways; adds to partitions already in place. Nodes need not have joined yet.
     *
     * @throws IllegalArgumentException when a node is on both sides
     */
    public void partition(Set<String> sideA, Set<String> sideB) {
        Set<String> a = Set.copyOf(sideA);
        Set<String> b = Set.copyOf(sideB);
        for (String node : a) {
            if (b.contains(node)) {
                throw new IllegalArgumentException("node '" + node + "' is on both sides of the partition");
            }
        }
        synchronized (lock) {
            for (String x : a) {
                for (String y : b) {
                    blocked.add(new Link(x, y));
                    blocked.add(new Link(y, x));
                }
            }
        }
    }

    /** Cuts {@code node} off from every other node, including ones that join later. */
    public void isolate(String node) {
        Objects.requireNonNull(node, "node");
        synchronized (lock) {
            isolated.add(node);
        }
    }

    /** Removes every partition and isolation. */
    public void heal() {
        synchronized (lock) {
            blocked.clear();
            isolated.clear();
        }
    }

    /** True when messages from {@code from} to {@code to} are blocked by a partition or isolation. */
    public boolean isBlocked(String from, String to) {
        synchronized (lock) {
            return blockedLocked(from, to);
        }
    }

    /**
     * Heals partitions and clears drop and duplicate probabilities and per-link settings;
     * keeps the latency, crashes and pauses.
     */
    public void clearFaults() {
        synchronized (lock) {
            blocked.clear();
            isolated.clear();
            linkFaults.clear();
            dropProbability = 0;
            duplicateProbability = 0;
        }
    }

    /**
     * Crashes {@code node}: it stops receiving (sends to it fail UNREACHABLE), messages in
     * flight to it and answers it was computing are lost, its pending sends fail
     * UNREACHABLE and its later sends fail UNREACHABLE until {@link #restart}. No-op when
     * already crashed.
     *
     * @throws IllegalArgumentException when the node never joined
     */
    public void crash(String node) {
        LocalTransport transport;
        synchronized (lock) {
            Node n = known(node);
            if (n.crashed) {
                return;
            }
            n.crashed = true;
            n.epoch++;
            transport = n.transport;
        }
        if (transport != null) {
            transport.failAll(new TransportException(TransportException.Kind.UNREACHABLE,
                    "node '" + node + "' crashed"));
        }
    }

    /**
     * Brings a crashed node back: it receives and sends again with the same handler (what
     * it lost in the crash stays lost). No-op when the node is not crashed.
     *
     * @throws IllegalArgumentException when the node never joined
     */
    public void restart(String node) {
        synchronized (lock) {
            known(node).crashed = false;
        }
    }

    /** True when {@code node} is crashed. */
    public boolean isCrashed(String node) {
        synchronized (lock) {
            Node n = nodes.get(node);
            return n != null && n.crashed;
        }
    }

    /**
     * Pauses {@code node} for {@code millis} from now (extending a pause in progress):
     * messages to it and from it wait, then go in arrival order when the pause ends.
     *
     * @throws IllegalArgumentException when the node never joined or {@code millis < 0}
     */
    public void pause(String node, long millis) {
        requireNonNegative("millis", millis);
        synchronized (lock) {
            Node n = known(node);
            n.pausedUntil = Math.max(n.pausedUntil, now() + millis);
        }
    }

    // ------------------------------------------------------------------ observation

    /** A snapshot of the counters. */
    public NetworkStats stats() {
        synchronized (lock) {
            return new NetworkStats(requestsSent, requestsDelivered, requestsDropped, requestsDuplicated,
                    requestsRefused, responsesSent, responsesDelivered, responsesDropped, lateResponses,
                    bytesSent);
        }
    }

    /**
     * Calls {@code listener} with every {@link NetworkEvent}, in order, while holding the
     * network's lock: it must be quick and must not wait for other threads.
     */
    public void addListener(Consumer<? super NetworkEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            listeners.add(listener);
        }
    }

    /** Removes a listener added with {@link #addListener}. */
    public void removeListener(Consumer<? super NetworkEvent> listener) {
        synchronized (lock) {
            listeners.remove(listener);
        }
    }

    // ------------------------------------------------------------------ delivery

    long newMessageId() {
        synchronized (lock) {
            return ++nextMessageId;
        }
    }

    /** Called by {@code sender.send}; {@code payload} is already the network's own copy. */
    void sendRequest(LocalTransport sender, long id, String to, byte[] payload) {
        String from = sender.localNode();
        TransportException immediateFailure = null;
        synchronized (lock) {
            Node src = nodes.get(from);
            if (src == null || src.transport != sender) {
                immediateFailure = new TransportException(TransportException.Kind.CLOSED,
                        "transport of node '" + from + "' is closed");
            } else if (src.crashed) {
                immediateFailure = new TransportException(TransportException.Kind.UNREACHABLE,
                        "node '" + from + "' is crashed and cannot send");
            } else {
                sendRequestLocked(src, sender, id, from, to, payload);
            }
        }
        if (immediateFailure != null) {
            TransportException failure = immediateFailure;
            scheduler.execute(() -> sender.fail(id, failure));
        }
    }

    private void sendRequestLocked(Node src, LocalTransport sender, long id, String from, String to,
                                   byte[] payload) {
        requestsSent++;
        bytesSent += payload.length;
        emit(NetworkEvent.Type.SENT, NetworkEvent.Kind.REQUEST, id, from, to, payload.length);
        long departure = pauseDelay(src);
        if (blockedLocked(from, to)) {
            requestsDropped++;
            emit(NetworkEvent.Type.DROPPED, NetworkEvent.Kind.REQUEST, id, from, to, payload.length);
            return;
        }
        Node dst = nodes.get(to);
        String refusal = refusal(dst, to);
        if (refusal != null) {
            requestsRefused++;
            emit(NetworkEvent.Type.REFUSED, NetworkEvent.Kind.REQUEST, id, from, to, payload.length);
            TransportException failure = new TransportException(TransportException.Kind.UNREACHABLE, refusal);
            scheduler.schedule(() -> sender.fail(id, failure), departure + latency(from, to));
            return;
        }
        if (roll(dropProbability(from, to))) {
            requestsDropped++;
            emit(NetworkEvent.Type.DROPPED, NetworkEvent.Kind.REQUEST, id, from, to, payload.length);
            return;
        }
        Request request = new Request(id, from, to, payload, sender, src.epoch, dst.transport, dst.epoch);
        scheduler.schedule(() -> arriveRequest(request), departure + latency(from, to));
        if (roll(duplicateProbability)) {
            requestsDuplicated++;
            emit(NetworkEvent.Type.DUPLICATED, NetworkEvent.Kind.REQUEST, id, from, to, payload.length);
            Request copy = new Request(id, from, to, payload.clone(), sender, src.epoch, dst.transport,
                    dst.epoch);
            scheduler.schedule(() -> arriveRequest(copy), departure + latency(from, to));
        }
    }

    private static String refusal(Node dst, String to) {
        if (dst == null) {
            return "unknown node '" + to + "'";
        }
        if (dst.transport == null) {
            return "node '" + to + "' has no open transport (connection refused)";
        }
        if (dst.crashed) {
            return "node '" + to + "' is down (connection refused)";
        }
        if (!dst.transport.isStarted()) {
            return "node '" + to + "' is not started (connection refused)";
        }
        return null;
    }

    private void arriveRequest(Request request) {
        MessageHandler handler;
        synchronized (lock) {
            Node dst = nodes.get(request.to());
            if (dst == null || dst.transport != request.target() || dst.crashed
                    || dst.epoch != request.targetEpoch() || blockedLocked(request.from(), request.to())) {
                requestsDropped++;
                emit(NetworkEvent.Type.DROPPED, NetworkEvent.Kind.REQUEST, request.id(), request.from(),
                        request.to(), request.payload().length);
                return;
            }
            long wait = pauseDelay(dst);
            if (wait > 0) {
                scheduler.schedule(() -> arriveRequest(request), wait);
                return;
            }
            requestsDelivered++;
            emit(NetworkEvent.Type.DELIVERED, NetworkEvent.Kind.REQUEST, request.id(), request.from(),
                    request.to(), request.payload().length);
            handler = request.target().handler();
        }
        LocalTransport target = request.target();
        target.handlingStarted();
        CompletableFuture<byte[]> reply;
        try {
            reply = handler.handle(request.from(), request.payload());
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        if (reply == null) {
            reply = CompletableFuture.failedFuture(new IllegalStateException("handler returned no future"));
        }
        reply.whenComplete((answer, failure) -> {
            try {
                sendResponse(request, answer, failure);
            } finally {
                target.handlingEnded();
            }
        });
    }

    private void sendResponse(Request request, byte[] answer, Throwable failure) {
        Response response;
        if (failure != null) {
            response = new Response(request, null, describe(failure));
        } else if (answer == null) {
            response = new Response(request, null, "handler answered null");
        } else {
            response = new Response(request, answer.clone(), null);
        }
        String from = request.to();
        String to = request.from();
        synchronized (lock) {
            Node src = nodes.get(from);
            if (src == null || src.transport != request.target() || src.crashed
                    || src.epoch != request.targetEpoch()) {
                return; // the responder crashed or closed while handling: nothing leaves it
            }
            responsesSent++;
            bytesSent += response.size();
            emit(NetworkEvent.Type.SENT, NetworkEvent.Kind.RESPONSE, request.id(), from, to, response.size());
            if (blockedLocked(from, to) || roll(dropProbability(from, to))) {
                responsesDropped++;
                emit(NetworkEvent.Type.DROPPED, NetworkEvent.Kind.RESPONSE, request.id(), from, to,
                        response.size());
                return;
            }
            scheduler.schedule(() -> arriveResponse(response), pauseDelay(src) + latency(from, to));
        }
    }

    private void arriveResponse(Response response) {
        Request request = response.request();
        String from = request.to();
        String to = request.from();
        synchronized (lock) {
            Node dst = nodes.get(to);
            if (dst == null || dst.transport != request.sender() || dst.crashed
                    || dst.epoch != request.senderEpoch() || blockedLocked(from, to)) {
                responsesDropped++;
                emit(NetworkEvent.Type.DROPPED, NetworkEvent.Kind.RESPONSE, request.id(), from, to,
                        response.size());
                return;
            }
            long wait = pauseDelay(dst);
            if (wait > 0) {
                scheduler.schedule(() -> arriveResponse(response), wait);
                return;
            }
            responsesDelivered++;
            emit(NetworkEvent.Type.DELIVERED, NetworkEvent.Kind.RESPONSE, request.id(), from, to,
                    response.size());
        }
        if (!request.sender().complete(request.id(), response.payload(), response.error(), from)) {
            synchronized (lock) {
                lateResponses++;
            }
        }
    }

    // ------------------------------------------------------------------ helpers (lock held)

    private boolean blockedLocked(String from, String to) {
        if (from.equals(to)) {
            return false;
        }
        return isolated.contains(from) || isolated.contains(to) || blocked.contains(new Link(from, to));
    }

    private double dropProbability(String from, String to) {
        LinkFaults faults = linkFaults.get(new Link(from, to));
        return faults == null || Double.isNaN(faults.dropProbability()) ? dropProbability : faults.dropProbability();
    }

    private long latency(String from, String to) {
        LinkFaults faults = linkFaults.get(new Link(from, to));
        long extra = faults == null ? 0 : faults.extraDelayMillis();
        long jitter = jitterMillis + (faults == null ? 0 : faults.jitterMillis());
        return baseLatencyMillis + extra + (jitter > 0 ? random.nextLong(jitter + 1) : 0);
    }

    private boolean roll(double probability) {
        return probability > 0 && random.nextDouble() < probability;
    }

    private long pauseDelay(Node node) {
        long now = now();
        return node.pausedUntil > now ? node.pausedUntil - now : 0;
    }

    private long now() {
        return scheduler.clock().millis();
    }

    private Node known(String node) {
        Objects.requireNonNull(node, "node");
        Node n = nodes.get(node);
        if (n == null) {
            throw new IllegalArgumentException("unknown node '" + node + "'; nodes on this network: "
                    + new TreeSet<>(nodes.keySet()));
        }
        return n;
    }

    private void emit(NetworkEvent.Type type, NetworkEvent.Kind kind, long id, String from, String to, int bytes) {
        if (listeners.isEmpty()) {
            return;
        }
        NetworkEvent event = new NetworkEvent(now(), type, kind, id, from, to, bytes);
        for (Consumer<? super NetworkEvent> listener : List.copyOf(listeners)) {
            listener.accept(event);
        }
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; depth < MAX_CAUSE_DEPTH
                && (cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null; depth++) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message != null ? message : cause.getClass().getName();
    }

    private static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0: " + value);
        }
    }

    private static void requireProbability(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1]: " + value);
        }
    }
}
