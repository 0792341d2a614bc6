package dev.dynamo.transport.netty;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Settings of the binary protocol's server and client, parsed once from properties
 * ({@code transport.netty.*} of a node's configuration, prefix removed).
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code max-frame-bytes}</td><td>33554432 (32 MiB)</td><td>largest length field accepted or sent;
 *       use one value across a cluster</td></tr>
 *   <tr><td>{@code connections-per-peer}</td><td>2</td><td>client connections per remote address</td></tr>
 *   <tr><td>{@code io-threads}</td><td>number of processors</td><td>Netty event loop threads</td></tr>
 *   <tr><td>{@code handler-threads}</td><td>max(4, 2 &times; processors)</td><td>the server calls the handler
 *       on a pool of this many threads, so that a slow disk stalls no event loop; 0 calls it on the
 *       event loop (it must then never block: for benchmarks of in-memory engines)</td></tr>
 *   <tr><td>{@code handler-queue-size}</td><td>4096</td><td>requests waiting for a handler thread; a
 *       request finding the queue full is answered {@code overloaded} without being handled</td></tr>
 *   <tr><td>{@code connect-timeout-millis}</td><td>3000</td><td>TCP connect timeout</td></tr>
 *   <tr><td>{@code reconnect-backoff-millis}</td><td>100</td><td>after a failed connect, sends to that
 *       connection fail UNREACHABLE at once for this long instead of reconnecting</td></tr>
 *   <tr><td>{@code shutdown-grace-millis}</td><td>5000</td><td>how long the server's close waits for
 *       requests in flight</td></tr>
 *   <tr><td>{@code max-in-flight-per-connection}</td><td>8192</td><td>the server stops reading a connection
 *       with this many unanswered requests, and reads again at half</td></tr>
 *   <tr><td>{@code max-in-flight}</td><td>16384</td><td>requests being handled by the server over all its
 *       connections; one more is answered {@code overloaded} without being handled</td></tr>
 *   <tr><td>{@code max-connections}</td><td>1024</td><td>open connections to the server; one more is
 *       closed as soon as it is accepted, unless it fits in the peer reserve</td></tr>
 *   <tr><td>{@code peer-reserved-connections}</td><td>64</td><td>connections accepted beyond
 *       {@code max-connections} on probation: each must open with a node's hello frame (with TLS, from
 *       a node certificate) within {@value BinaryServer#RESERVED_HELLO_MILLIS} ms of its handshake, or
 *       it is closed and counted as a {@code max-connections} refusal; so clients filling
 *       {@code max-connections} cannot lock the cluster's own nodes out. 0: no reserve</td></tr>
 *   <tr><td>{@code idle-timeout-millis}</td><td>300000 (5 min)</td><td>the server closes a connection that
 *       sent nothing for this long and has no request in flight; a client closes its own pooled
 *       connections after half of it without traffic, before any server with the same setting would,
 *       and reconnects on the next send. 0: never</td></tr>
 * </table>
 * The keys {@code tls.cert}, {@code tls.key}, {@code tls.ca} and {@code tls.reload-interval-ms}
 * switch on mutual TLS; they are parsed by {@link TlsOptions}, and ignored here.
 *
 * <pre>{@code
 * NettyConfig c = NettyConfig.fromProperties(Map.of("max-frame-bytes", "8388608", "io-threads", "4"));
 * NettyConfig d = NettyConfig.defaults();
 * }</pre>
 *
 * @param maxFrameBytes             bound on the length field of a frame, at least {@link FrameCodec#HEADER_BYTES}
 * @param connectionsPerPeer        client connections per remote address, at least 1
 * @param ioThreads                 event loop threads, at least 1
 * @param handlerThreads            the size of the handler's pool, or 0 to run the handler on the event loop
 * @param connectTimeoutMillis      TCP connect timeout, at least 1
 * @param reconnectBackoffMillis    fail-fast window after a failed connect, 0 or more
 * @param shutdownGraceMillis       bound of the server's wait for requests in flight on close, 0 or more
 * @param maxInFlightPerConnection  unanswered requests after which the server stops reading a connection, at least 1
 * @param handlerQueueSize          requests that may wait for a handler thread, at least 1 (unused with no pool)
 * @param maxInFlight               requests the server handles at once over all connections, at least 1
 * @param maxConnections            open connections the server accepts, at least 1
 * @param idleTimeoutMillis         silence after which the server closes a connection with nothing in flight
 *                                  (and a client, after half of it, its own), 0 for never
 * @param peerReservedConnections   connections beyond {@code maxConnections} kept for peer nodes, 0 or more
 */
public record NettyConfig(int maxFrameBytes, int connectionsPerPeer, int ioThreads, int handlerThreads,
                          long connectTimeoutMillis, long reconnectBackoffMillis, long shutdownGraceMillis,
                          int maxInFlightPerConnection, int handlerQueueSize, int maxInFlight, int maxConnections,
                          long idleTimeoutMillis, int peerReservedConnections) {

    public static final String MAX_FRAME_BYTES = "max-frame-bytes";
    public static final String CONNECTIONS_PER_PEER = "connections-per-peer";
    public static final String IO_THREADS = "io-threads";
    public static final String HANDLER_THREADS = "handler-threads";
    public static final String CONNECT_TIMEOUT_MILLIS = "connect-timeout-millis";
    public static final String RECONNECT_BACKOFF_MILLIS = "reconnect-backoff-millis";
    public static final String SHUTDOWN_GRACE_MILLIS = "shutdown-grace-millis";
    public static final String MAX_IN_FLIGHT_PER_CONNECTION = "max-in-flight-per-connection";
    public static final String HANDLER_QUEUE_SIZE = "handler-queue-size";
    public static final String MAX_IN_FLIGHT = "max-in-flight";
    public static final String MAX_CONNECTIONS = "max-connections";
    public static final String IDLE_TIMEOUT_MILLIS = "idle-timeout-millis";
    public static final String PEER_RESERVED_CONNECTIONS = "peer-reserved-connections";
    /** Read by {@link NettyTransport}, not by this record: the host:port to listen on. */
    public static final String BIND = "bind";

    /** The prefix of these settings in a node's configuration. */
    public static final String PREFIX = "transport.netty.";
    /** Every known key, sorted; the {@code tls.*} keys are {@link TlsOptions}'s. */
    private static final List<String> KEYS = List.of(BIND, CONNECT_TIMEOUT_MILLIS, CONNECTIONS_PER_PEER,
            HANDLER_QUEUE_SIZE, HANDLER_THREADS, IDLE_TIMEOUT_MILLIS, IO_THREADS, MAX_CONNECTIONS, MAX_FRAME_BYTES,
            MAX_IN_FLIGHT, MAX_IN_FLIGHT_PER_CONNECTION, PEER_RESERVED_CONNECTIONS, RECONNECT_BACKOFF_MILLIS,
            SHUTDOWN_GRACE_MILLIS, TlsOptions.CA, TlsOptions.CERT, TlsOptions.KEY, TlsOptions.RELOAD_INTERVAL);

    public NettyConfig {
        require(maxFrameBytes >= FrameCodec.HEADER_BYTES, MAX_FRAME_BYTES, maxFrameBytes,
                "at least " + FrameCodec.HEADER_BYTES);
        require(connectionsPerPeer >= 1, CONNECTIONS_PER_PEER, connectionsPerPeer, "at least 1");
        require(ioThreads >= 1, IO_THREADS, ioThreads, "at least 1");
        require(handlerThreads >= 0, HANDLER_THREADS, handlerThreads, "0 or more");
        require(connectTimeoutMillis >= 1 && connectTimeoutMillis <= Integer.MAX_VALUE, CONNECT_TIMEOUT_MILLIS,
                connectTimeoutMillis, "between 1 and " + Integer.MAX_VALUE);
        require(reconnectBackoffMillis >= 0, RECONNECT_BACKOFF_MILLIS, reconnectBackoffMillis, "0 or more");
        require(shutdownGraceMillis >= 0, SHUTDOWN_GRACE_MILLIS, shutdownGraceMillis, "0 or more");
        require(maxInFlightPerConnection >= 1, MAX_IN_FLIGHT_PER_CONNECTION, maxInFlightPerConnection, "at least 1");
        require(handlerQueueSize >= 1, HANDLER_QUEUE_SIZE, handlerQueueSize, "at least 1");
        require(maxInFlight >= 1, MAX_IN_FLIGHT, maxInFlight, "at least 1");
        require(maxConnections >= 1, MAX_CONNECTIONS, maxConnections, "at least 1");
        require(idleTimeoutMillis >= 0, IDLE_TIMEOUT_MILLIS, idleTimeoutMillis, "0 (never) or more");
        require(peerReservedConnections >= 0 && (long) maxConnections + peerReservedConnections <= Integer.MAX_VALUE,
                PEER_RESERVED_CONNECTIONS, peerReservedConnections, "0 or more, with max-connections at most "
                        + Integer.MAX_VALUE);
    }

    /**
     * The name a limit of these settings is counted and reported under: the setting as a node's
     * configuration spells it, e.g. {@code transport.netty.max-connections} for {@link #MAX_CONNECTIONS}.
     */
    public static String limit(String key) {
        return PREFIX + key;
    }

    /** The default of {@code handler-threads}: enough threads that a few slow disk calls stall nothing else. */
    public static int defaultHandlerThreads() {
        return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }

    /** How long a client keeps a pooled connection without traffic: half the idle timeout, 0 for ever. */
    public long clientIdleMillis() {
        return idleTimeoutMillis == 0 ? 0 : Math.max(1, idleTimeoutMillis / 2);
    }

    /** Every setting at its default. */
    public static NettyConfig defaults() {
        return fromProperties(Map.of());
    }

    /**
     * Parses {@code properties}; absent keys take their defaults, {@code bind} and {@code tls.*} are ignored here.
     *
     * @throws IllegalArgumentException naming the key and the value when a value is not a
     *                                  whole number or out of range, or a key is unknown
     */
    public static NettyConfig fromProperties(Map<String, String> properties) {
        Map<String, String> p = new TreeMap<>(properties);
        for (String key : p.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(PREFIX + key + ": unknown setting of transport 'netty'; known: "
                        + String.join(", ", KEYS));
            }
        }
        return new NettyConfig(
                (int) number(p, MAX_FRAME_BYTES, FrameCodec.DEFAULT_MAX_FRAME_BYTES, Integer.MAX_VALUE),
                (int) number(p, CONNECTIONS_PER_PEER, 2, Integer.MAX_VALUE),
                (int) number(p, IO_THREADS, Math.max(1, Runtime.getRuntime().availableProcessors()), Integer.MAX_VALUE),
                (int) number(p, HANDLER_THREADS, defaultHandlerThreads(), Integer.MAX_VALUE),
                number(p, CONNECT_TIMEOUT_MILLIS, 3_000, Integer.MAX_VALUE),
                number(p, RECONNECT_BACKOFF_MILLIS, 100, Long.MAX_VALUE),
                number(p, SHUTDOWN_GRACE_MILLIS, 5_000, Long.MAX_VALUE),
                (int) number(p, MAX_IN_FLIGHT_PER_CONNECTION, 8_192, Integer.MAX_VALUE),
                (int) number(p, HANDLER_QUEUE_SIZE, 4_096, Integer.MAX_VALUE),
                (int) number(p, MAX_IN_FLIGHT, 16_384, Integer.MAX_VALUE),
                (int) number(p, MAX_CONNECTIONS, 1_024, Integer.MAX_VALUE),
                number(p, IDLE_TIMEOUT_MILLIS, 300_000, Integer.MAX_VALUE),
                (int) number(p, PEER_RESERVED_CONNECTIONS, 64, Integer.MAX_VALUE));
    }

    private static long number(Map<String, String> p, String key, long defaultValue, long max) {
        String value = p.get(key);
        if (value == null) {
            return defaultValue;
        }
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + key + ": '" + value + "' is not a whole number; e.g. "
                    + defaultValue, e);
        }
        if (n > max) {
            throw new IllegalArgumentException(PREFIX + key + ": " + n + " is too large; at most " + max);
        }
        return n;
    }

    private static void require(boolean ok, String key, long value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException(PREFIX + key + ": " + value + " is out of range; must be " + allowed);
        }
    }
}
