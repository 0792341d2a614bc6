package dev.dynamo.core.node;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.dynamo.api.BadRequestException;
import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.ErrorCode;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.api.UnknownTableException;
import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.cluster.NodeContext;
import dev.dynamo.core.coordination.ClientService;
import dev.dynamo.core.coordination.LocalReplica;
import dev.dynamo.core.coordination.PendingReplicas;
import dev.dynamo.core.coordination.ReadCoordinator;
import dev.dynamo.core.coordination.ReplicaSelector;
import dev.dynamo.core.coordination.ReplicaService;
import dev.dynamo.core.coordination.RequestObserver;
import dev.dynamo.core.coordination.WriteCoordinator;
import dev.dynamo.core.failure.FailureDetector;
import dev.dynamo.core.failure.OutcomeFailureDetector;
import dev.dynamo.core.limits.LogLimiter;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.protocol.MessageHandlers;
import dev.dynamo.core.protocol.Replies;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.spi.MessageHandler;
import dev.dynamo.core.spi.PluginRegistry;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.time.Clock;
import dev.dynamo.core.time.Scheduler;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One node of the store: a facade that opens its storage, wires the request path and the
 * background services together, and validates client requests. The request path itself
 * lives in {@code coordination} (see docs/architecture.md): {@link ReadCoordinator} and
 * {@link WriteCoordinator} coordinate gets and puts, {@link ReplicaService} serves other
 * coordinators, and {@link #handle} routes each binary message to its handler.
 *
 * <pre>{@code
 * DynamoNode node = new DynamoNode(config, tables, cluster, transport, scheduler, RequestObserver.NONE);
 * transport.start(node);
 * Context c = node.put("default", key, Context.EMPTY, value, RequestOptions.DEFAULT).join();
 * }</pre>
 */
public final class DynamoNode implements MessageHandler, AutoCloseable {
    private final NodeConfig config;
    private final NodeStorage storage;
    private final FailureDetector detector;
    private final ClientService clients;
    private final WriteCoordinator writes;
    private final MessageHandlers handlers = new MessageHandlers();
    /** Untyped request failures, logged at most once per kind every 10 s: peers choose their rate. */
    private final LogLimiter failureLog;
    private final NodeContext context;
    private final BackgroundServices background;
    private volatile ClusterState cluster;
    private volatile boolean closed;
    private volatile PeerService peerService;
    private volatile PendingReplicas pendingReplicas = PendingReplicas.NONE;

    /** Serves node-to-node messages that belong to another component (membership gossip, partition transfer). */
    @FunctionalInterface
    public interface PeerService {
        /** The answer to {@code message} from {@code from}, or null when the message is not this service's. */
        CompletableFuture<? extends Message> serve(String from, Message message);
    }

    /** A node with default options and an in-memory system table (tests). */
    public DynamoNode(NodeConfig config, List<TableConfig> tableConfigs, ClusterState cluster, Transport transport,
                      Scheduler scheduler, RequestObserver observer) {
        this(config, tableConfigs, cluster, transport, scheduler, observer, NodeOptions.DEFAULTS.withSystemEngine("memory"));
    }

    public DynamoNode(NodeConfig config, List<TableConfig> tableConfigs, ClusterState cluster, Transport transport,
                      Scheduler scheduler, RequestObserver observer, NodeOptions options) {
        this(config, tableConfigs, cluster, transport, scheduler, observer, options,
                new OutcomeFailureDetector(scheduler.clock(), options.failuresToSuspect(), options.probeIntervalMillis()));
    }

    /** A node whose coordinators consult {@code detector} (for instance membership's phi accrual detector). */
    public DynamoNode(NodeConfig config, List<TableConfig> tableConfigs, ClusterState cluster, Transport transport,
                      Scheduler scheduler, RequestObserver observer, NodeOptions options, FailureDetector detector) {
        this(config, tableConfigs, cluster, transport, scheduler, observer, options, detector, PluginRegistry.installed());
    }

    /** A node that opens its engines, reconcilers and partitioners from {@code plugins}. */
    public DynamoNode(NodeConfig config, List<TableConfig> tableConfigs, ClusterState cluster, Transport transport,
                      Scheduler scheduler, RequestObserver observer, NodeOptions options, FailureDetector detector,
                      PluginRegistry plugins) {
        this.config = config;
        this.cluster = cluster;
        this.detector = Objects.requireNonNull(detector, "detector");
        this.storage = NodeStorage.open(config, tableConfigs, options, scheduler.clock(), scheduler::elapsedMillis,
                plugins);
        this.failureLog = new LogLimiter(scheduler.clock(), 10_000);
        try {
            long requestTimeout = tableConfigs.stream().mapToLong(TableConfig::timeoutMillis).max()
                    .orElse(TableConfig.DEFAULT_TIMEOUT_MILLIS);
            this.context = new NodeContext(config.id(), storage.tables(), () -> this.cluster, transport, scheduler,
                    detector, requestTimeout, observer);
            ReplicaSelector replicas = new ReplicaSelector(config.id(), config.zone(), detector);
            LocalReplica local = new LocalReplica(config.id(), storage.hints());
            this.writes = new WriteCoordinator(storage.incarnation().actor(), replicas, transport, scheduler,
                    options.requestLimits());
            this.clients = new ClientService(this::table, () -> this.cluster,
                    new ReadCoordinator(replicas, local, transport, scheduler, observer), writes, observer,
                    options.requestLimits());
            this.background = new BackgroundServices(context, storage.hints(), options);
            ReplicaService replica = new ReplicaService(local, this::table, this::replicates, this::knows);
            handlers.register(Message.ReplicaRead.class, replica::read)
                    .register(Message.ReplicaWrite.class, replica::write)
                    .register(Message.Purge.class, replica::purge)
                    .register(Message.MerkleRequest.class, (from, m) -> completedFuture(background.antiEntropy().hashes(m)))
                    .register(Message.DigestRequest.class, (from, m) -> completedFuture(background.antiEntropy().digests(m)))
                    .register(Message.Get.class, (from, m) -> clients.serve(m))
                    .register(Message.Put.class, (from, m) -> clients.serve(m))
                    .register(Message.RingRequest.class, (from, m) -> completedFuture(ringResult()));
        } catch (RuntimeException e) {
            storage.close(); // what was opened is not left open when the rest cannot be wired
            throw e;
        }
    }

    /** Starts background work: hint delivery (and, when enabled, anti-entropy and tombstone purge). */
    /**
     * For a stopped node whose tables were just restored from a backup: its next run names its
     * writes anew, so that it never issues again a write id it issued after the backup was
     * taken (docs/operating.md, "Backup and restore").
     *
     * <pre>{@code
     * String actor = DynamoNode.renameWritesAfterRestore(config.node(), config.options(), Clock.system(),
     *         PluginRegistry.installed());      // "n1#1764912345678"
     * }</pre>
     *
     * @return the name the node's writes carry from its next start
     */
    public static String renameWritesAfterRestore(NodeConfig config, NodeOptions options, Clock clock,
                                                  PluginRegistry plugins) {
        return Incarnation.markRestored(config, options, clock, plugins);
    }

    public void startBackground() {
        background.start();
    }

    /** Hinted handoff, anti-entropy and tombstone purge, for status and operator-started repair. */
    public BackgroundServices background() {
        return background;
    }

    public FailureDetector failureDetector() {
        return detector;
    }

    public NodeConfig config() {
        return config;
    }

    public String id() {
        return config.id();
    }

    public ClusterState cluster() {
        return cluster;
    }

    public void updateCluster(ClusterState state) {
        this.cluster = state;
    }

    /** Installs the service answering messages this node does not serve itself (null: none). */
    public void setPeerService(PeerService service) {
        this.peerService = service;
    }

    /** Installs where writes also go while partitions move, beyond the preference list, not counted towards W. */
    public void setPendingReplicas(PendingReplicas pending) {
        this.pendingReplicas = Objects.requireNonNull(pending, "pending");
        writes.setPendingReplicas(pending);
    }

    /**
     * True when {@code node} is in this node's ring or among its known addresses: the nodes a
     * hint may be kept for (a hint target nobody knows could never be delivered).
     */
    public boolean knows(String node) {
        ClusterState now = cluster;
        return now.ring().contains(node) || now.addresses().containsKey(node);
    }

    /**
     * True when this node is one of the replicas of {@code partition} of {@code table} under
     * its ring: in the partition's preference list, or receiving it in the ring change under
     * way. Replica writes for other partitions are kept but do not count towards W.
     */
    public boolean replicates(Table table, int partition) {
        Ring ring = cluster.ring();
        if (partition < 0 || partition >= ring.q()) {
            return false;
        }
        int n = table.config().n();
        return ring.preferenceList(partition, n).contains(id())
                || pendingReplicas.pending(n, partition).contains(id());
    }

    public Collection<Table> tables() {
        return storage.tables().values();
    }

    /** The open table, or {@link UnknownTableException}. */
    public Table table(String name) {
        return context.table(name);
    }

    /** What the node's background services see of it (membership's rebalancer too). */
    public NodeContext context() {
        return context;
    }

    // ---------------------------------------------------------------- client operations

    public CompletableFuture<GetResult> get(String table, byte[] key, RequestOptions options) {
        return clients.get(table, key, options);
    }

    public CompletableFuture<Context> put(String table, byte[] key, Context context, byte[] value,
                                          RequestOptions options) {
        return clients.put(table, key, context, value, options);
    }

    public CompletableFuture<Context> delete(String table, byte[] key, Context context, RequestOptions options) {
        return clients.delete(table, key, context, options);
    }

    // ---------------------------------------------------------------- the binary protocol

    @Override
    public CompletableFuture<byte[]> handle(String from, byte[] request) {
        Message m;
        try {
            m = MessageCodec.decode(request);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(MessageCodec.encode(
                    new Message.Error(ErrorCode.BAD_REQUEST.wire(), "malformed message: " + e.getMessage(), 0, 0)));
        }
        CompletableFuture<? extends Message> answer;
        try {
            answer = dispatch(from, m);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((ok, error) -> MessageCodec.encode(error == null ? ok
                : Replies.toError(error, failureLog)));
    }

    private CompletableFuture<? extends Message> dispatch(String from, Message m) {
        if (closed) {
            throw new DynamoException("node " + id() + " is shutting down");
        }
        CompletableFuture<? extends Message> answer = handlers.dispatch(from, m);
        PeerService service = peerService;
        if (answer == null && service != null) {
            answer = service.serve(from, m);
        }
        if (answer == null) {
            throw new BadRequestException("unexpected message " + m.getClass().getSimpleName() + " sent to a node");
        }
        return answer;
    }

    /** The ring, addresses and table placement, as clients learn them. */
    public Message.RingResult ringResult() {
        ClusterState state = cluster;
        List<Message.TablePlacement> placements = storage.tables().values().stream()
                .map(t -> new Message.TablePlacement(t.config().name(), t.config().n(), t.config().partitioner()))
                .toList();
        return new Message.RingResult(state.ring().encode(), List.copyOf(state.addresses().values()), placements);
    }

    /** Stops serving and closes every engine after flushing it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        background.close();
        storage.close();
    }
}
