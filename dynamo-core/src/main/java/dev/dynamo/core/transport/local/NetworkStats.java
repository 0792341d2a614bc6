package dev.dynamo.core.transport.local;

/**
 * Counters of a {@link LocalNetwork} since it was built. Take two snapshots and
 * {@link #minus subtract} them to measure one phase of a test, e.g. the bytes an
 * anti-entropy round moved.
 *
 * <pre>{@code
 * NetworkStats before = network.stats();
 * antiEntropy.runOnce();
 * scheduler.runUntilIdle(1_000_000);
 * long bytes = network.stats().minus(before).bytesSent();
 * }</pre>
 *
 * <p>Once the network is idle (nothing in flight, no paused queue):
 * {@code requestsSent + requestsDuplicated == requestsDelivered + requestsDropped + requestsRefused}
 * and {@code responsesSent == responsesDelivered + responsesDropped}.
 *
 * @param requestsSent       requests that left a live sender (a crashed sender sends nothing)
 * @param requestsDelivered  request copies handed to a receiver's handler
 * @param requestsDropped    request copies lost (random drop, partition, crash or close of the receiver)
 * @param requestsDuplicated extra request copies made by duplication
 * @param requestsRefused    requests to an unknown, crashed or not started node (answered UNREACHABLE)
 * @param responsesSent      responses (answers and failures) that left a live responder
 * @param responsesDelivered responses that reached their live requester
 * @param responsesDropped   responses lost on the way
 * @param lateResponses      delivered responses nobody waited for any more (timed out, or a duplicate's)
 * @param bytesSent          payload bytes of every request and response sent (duplicates not counted twice)
 */
public record NetworkStats(long requestsSent, long requestsDelivered, long requestsDropped,
                           long requestsDuplicated, long requestsRefused, long responsesSent,
                           long responsesDelivered, long responsesDropped, long lateResponses,
                           long bytesSent) {

    /** Requests and responses sent. */
    public long messagesSent() {
        return requestsSent + responsesSent;
    }

    /** Request copies and responses delivered. */
    public long messagesDelivered() {
        return requestsDelivered + responsesDelivered;
    }

    /** Request copies and responses lost. */
    public long messagesDropped() {
        return requestsDropped + responsesDropped;
    }

    /** The counts between {@code earlier} and this snapshot. */
    public NetworkStats minus(NetworkStats earlier) {
        return new NetworkStats(requestsSent - earlier.requestsSent,
                requestsDelivered - earlier.requestsDelivered,
                requestsDropped - earlier.requestsDropped,
                requestsDuplicated - earlier.requestsDuplicated,
                requestsRefused - earlier.requestsRefused,
                responsesSent - earlier.responsesSent,
                responsesDelivered - earlier.responsesDelivered,
                responsesDropped - earlier.responsesDropped,
                lateResponses - earlier.lateResponses,
                bytesSent - earlier.bytesSent);
    }
}
