package dev.dynamo.sim;

import java.util.List;

/**
 * The outcome of one {@link Simulation} run: what was acknowledged, what the checkers found,
 * how long the replicas took to converge, and the history to explain a failure.
 *
 * @param nodes              cluster size of the run
 * @param acknowledged       writes acknowledged to their client
 * @param acknowledgedLost   acknowledged writes gone without an allowed reason (each is a violation)
 * @param discardedByDesign  acknowledged writes the table dropped by design: lww losers, carts folded
 *                           into a concurrent cart, deletes losing to a concurrent cart add or folded
 *                           into a later concurrent delete
 * @param lostInCrashes      acknowledged writes of a buffered table lost because every node that
 *                           stored them crashed before flushing (allowed for buffered durability)
 * @param convergeMillis     virtual ms from the heal until every replica agreed; -1 when they never did
 * @param faultEpisodes      fault episodes the nemesis injected
 * @param crashes            node crashes among them
 * @param versions           distinct versions (write events) the engines ever stored
 * @param purged             tombstones a node purged (removed with their key after the grace period)
 *
 * <pre>{@code
 * SimResult r = Simulation.run(seed, config, kind, options);
 * assertTrue(r.ok(), r.report());
 * }</pre>
 */
public record SimResult(long seed, SimConfig config, FaultKind kind, SimOptions options, int nodes, History history,
                        List<Violation> violations, int acknowledged, int acknowledgedLost, int discardedByDesign,
                        int lostInCrashes, long convergeMillis, int faultEpisodes, int crashes, int versions,
                        int purged) {

    /** Lines of history printed around a violation. */
    private static final int HISTORY_LINES = 60;

    public boolean ok() {
        return violations.isEmpty();
    }

    /** The one command line that replays this run (from the repository root). */
    public String replayCommand() {
        return Replay.command(seed, config, kind, options);
    }

    /** A readable account: the violations, the replay command, and the history around the first violation. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("simulation seed %d, config %s, faults %s, %d nodes: %s%n", seed, config,
                kind.label(), nodes, ok() ? "all checkers green" : violations.size() + " violation(s)"));
        sb.append(String.format("  %d writes acknowledged, %d acknowledged lost (violations), %d discarded by design,"
                + " %d lost in buffered crashes; %d fault episodes (%d crashes); converged %s%s%n", acknowledged,
                acknowledgedLost, discardedByDesign, lostInCrashes, faultEpisodes, crashes,
                convergeMillis < 0 ? "never" : "in " + convergeMillis + " virtual ms",
                purged == 0 ? "" : "; " + purged + " tombstones purged"));
        if (ok()) {
            return sb.toString();
        }
        sb.append("replay: ").append(replayCommand()).append(String.format("%n"));
        int shown = 0;
        for (Violation v : violations) {
            if (shown++ == 10) {
                sb.append(String.format("  ... and %d more%n", violations.size() - 10));
                break;
            }
            sb.append("  ").append(v).append(String.format("%n"));
        }
        Violation first = violations.get(0);
        long from = first.at() - 3_000;
        long to = first.at() + 500;
        sb.append(String.format("history of %s, virtual ms since start, from %d to %d (faults marked **):%n",
                first.key() == null ? "all keys" : "key " + first.key(), from - history.origin(),
                to - history.origin()));
        sb.append(history.render(first.key(), from, to, HISTORY_LINES));
        return sb.toString();
    }
}
