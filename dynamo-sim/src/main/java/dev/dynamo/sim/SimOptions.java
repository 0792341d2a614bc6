package dev.dynamo.sim;

/**
 * Size and pacing of one simulation run. Virtual time costs nothing, so the limits are on
 * work: operations and messages.
 *
 * @param nodes             cluster size, 3 to 9; 0 picks 3 to 5 from the seed
 * @param keys              keys the clients share (few, so that writes conflict)
 * @param clients           concurrent logical clients
 * @param opsPerClient      operations each client issues at most
 * @param workloadMillis    virtual time during which clients run and faults are injected
 * @param timeoutMillis     the table's coordinator deadline
 * @param commitMillis      how often engines make buffered writes durable (MVStore's auto-commit)
 * @param maxConvergeRounds rounds of (hint delivery, anti-entropy) after the heal before giving up
 * @param disk              what the crashable engines write through to: {@code memory} (a memory
 *                          engine per node and table kept across crashes, standing in for the
 *                          disk; fast, what CI runs) or {@code mvstore} (H2 MVStore files in a
 *                          temporary directory, reopened on restart)
 *
 * <pre>{@code
 * SimOptions o = SimOptions.DEFAULTS.withNodes(5).withDisk("mvstore");
 * }</pre>
 */
public record SimOptions(int nodes, int keys, int clients, int opsPerClient, long workloadMillis, long timeoutMillis,
                         long commitMillis, int maxConvergeRounds, String disk) {

    public static final SimOptions DEFAULTS = new SimOptions(0, 4, 5, 24, 5_000, 1_000, 1_000, 30, "memory");

    public SimOptions {
        if (nodes != 0 && (nodes < 3 || nodes > 9)) {
            throw new IllegalArgumentException("nodes must be 0 (from the seed) or 3..9, was " + nodes);
        }
        if (keys < 1 || clients < 1 || opsPerClient < 1) {
            throw new IllegalArgumentException("keys, clients and ops per client must be >= 1");
        }
        if (workloadMillis < 1_000 || timeoutMillis < 1 || commitMillis < 1 || maxConvergeRounds < 1) {
            throw new IllegalArgumentException("workload must be >= 1000 ms; times and rounds must be >= 1");
        }
        if (!"memory".equals(disk) && !"mvstore".equals(disk)) {
            throw new IllegalArgumentException("disk must be memory or mvstore, was '" + disk + "'");
        }
    }

    public SimOptions withNodes(int n) {
        return new SimOptions(n, keys, clients, opsPerClient, workloadMillis, timeoutMillis, commitMillis,
                maxConvergeRounds, disk);
    }

    public SimOptions withOpsPerClient(int n) {
        return new SimOptions(nodes, keys, clients, n, workloadMillis, timeoutMillis, commitMillis, maxConvergeRounds,
                disk);
    }

    public SimOptions withClients(int n) {
        return new SimOptions(nodes, keys, n, opsPerClient, workloadMillis, timeoutMillis, commitMillis,
                maxConvergeRounds, disk);
    }

    public SimOptions withDisk(String d) {
        return new SimOptions(nodes, keys, clients, opsPerClient, workloadMillis, timeoutMillis, commitMillis,
                maxConvergeRounds, d);
    }
}
