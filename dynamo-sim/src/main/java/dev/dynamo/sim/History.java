package dev.dynamo.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The record of one simulation run: every client operation ({@link Op}) and every fault or
 * lifecycle event the nemesis caused, in virtual time. Printed around a violation so that a
 * failing seed can be understood without rerunning it.
 *
 * <pre>{@code
 * History h = new History();
 * Op op = h.invoke(1, "t", "k1", Op.Kind.GET, "n1", now);
 * h.event(now, "partition {n1,n2} | {n3}");
 * System.out.println(h.render("k1", from, to, 80));
 * }</pre>
 */
public final class History {

    /** A fault, a heal, a crash, a restart or another event that is not a client operation. */
    public record Event(long at, String text) {
    }

    private final List<Op> ops = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private long origin;

    /** Times in listings are printed relative to this (the start of the run). */
    void origin(long at) {
        this.origin = at;
    }

    public long origin() {
        return origin;
    }

    Op invoke(int client, String table, String key, Op.Kind kind, String node, long at) {
        Op op = new Op(ops.size(), client, table, key, kind, node, at);
        ops.add(op);
        return op;
    }

    void event(long at, String text) {
        events.add(new Event(at, text));
    }

    public List<Op> ops() {
        return List.copyOf(ops);
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public Op op(int id) {
        return ops.get(id);
    }

    /**
     * The operations on {@code key} (all keys when null) and every event, invoked between
     * {@code from} and {@code to}, in time order; at most {@code maxLines} lines, keeping those
     * nearest the end of the window when there are more.
     */
    public String render(String key, long from, long to, int maxLines) {
        record Line(long at, int order, String text) {
        }
        List<Line> lines = new ArrayList<>();
        for (Op op : ops) {
            if ((key == null || op.key().equals(key)) && op.invokedAt() >= from && op.invokedAt() <= to) {
                String done = op.completedAt() < 0 ? "" : "..+" + (op.completedAt() - op.invokedAt()) + "ms ";
                lines.add(new Line(op.invokedAt(), 1, done + op.describe()));
            }
        }
        for (Event e : events) {
            if (e.at() >= from && e.at() <= to) {
                lines.add(new Line(e.at(), 0, "** " + e.text()));
            }
        }
        lines.sort(Comparator.comparingLong(Line::at).thenComparingInt(Line::order));
        int skip = Math.max(0, lines.size() - maxLines);
        StringBuilder sb = new StringBuilder();
        if (skip > 0) {
            sb.append(String.format("  (%d earlier lines left out)%n", skip));
        }
        for (Line l : lines.subList(skip, lines.size())) {
            sb.append(String.format("  %7d  %s%n", l.at() - origin, l.text()));
        }
        return sb.toString();
    }
}
