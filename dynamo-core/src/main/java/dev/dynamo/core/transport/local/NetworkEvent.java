package dev.dynamo.core.transport.local;

import java.util.Objects;

/**
 * One thing that happened to one message on a {@link LocalNetwork}, as seen by a listener
 * registered with {@link LocalNetwork#addListener}. Under a
 * {@link dev.dynamo.core.time.VirtualScheduler} the sequence of events of a run is a
 * function of the seed, the faults and the workload, so a trace replays exactly.
 *
 * <pre>{@code
 * List<NetworkEvent> trace = new ArrayList<>();
 * network.addListener(trace::add);
 * ... run the simulation ...
 * trace.forEach(System.out::println);
 * }</pre>
 *
 * @param timeMillis when it happened, on the network's scheduler clock
 * @param type       what happened
 * @param kind       request or response
 * @param id         the request's id (a response carries its request's id)
 * @param from       the sending node
 * @param to         the receiving node
 * @param bytes      payload size (for a failure response, the size of its message)
 */
public record NetworkEvent(long timeMillis, Type type, Kind kind, long id, String from, String to, int bytes) {

    /** What happened to a message. */
    public enum Type {
        /** Left its sender (counted in {@link NetworkStats#bytesSent()}). */
        SENT,
        /** Reached a live receiver. */
        DELIVERED,
        /** Lost: random drop, partition, crashed or closed receiver. */
        DROPPED,
        /** The network made a second copy of a request. */
        DUPLICATED,
        /** The receiver is unknown, crashed or not started: the sender is told UNREACHABLE. */
        REFUSED
    }

    /** Whether the message is a request or a response. */
    public enum Kind { REQUEST, RESPONSE }

    public NetworkEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0: " + bytes);
        }
    }
}
