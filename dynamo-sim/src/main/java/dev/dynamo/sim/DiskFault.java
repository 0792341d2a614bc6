package dev.dynamo.sim;

/**
 * One window of a disk fault the {@link Nemesis} injected on one node, in shared virtual
 * time: its disk full ({@link FaultKind#DISK_FULL}) or its fsync failing
 * ({@link FaultKind#FSYNC_FAIL}). The {@link Checker} judges operations by it.
 *
 * <pre>{@code
 * DiskFault f = new DiskFault("n2", FaultKind.DISK_FULL, 1_700_000_000_500L, 1_700_000_001_300L);
 * f.covers("n2", 1_700_000_001_000L);   // true
 * }</pre>
 *
 * @param from first millisecond of the fault
 * @param to   the millisecond it ended
 */
record DiskFault(String node, FaultKind kind, long from, long to) {

    /** True when {@code at} falls in this fault on {@code onNode}. */
    boolean covers(String onNode, long at) {
        return node.equals(onNode) && at >= from && at < to;
    }
}
