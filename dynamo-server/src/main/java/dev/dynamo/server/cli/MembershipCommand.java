package dev.dynamo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The operator's ring changes: {@code join}, {@code leave} and {@code remove}. Each posts
 * to a node's {@code /membership/*} and then follows {@code GET /membership} until the
 * change is complete, printing partitions moved, bytes, rate and ETA.
 */
abstract class MembershipCommand implements Callable<Integer> {

    @Mixin
    FollowOptions follow;

    @Mixin
    HttpAccessOptions httpAccess;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    /** The action's path and query, e.g. {@code /membership/remove?node=n3}. */
    abstract String action();

    /** Whether the change is complete as {@code view} (GET /membership of the acted-on node) shows it. */
    abstract boolean complete(JsonNode view);

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HttpAccess access;
        try {
            access = httpAccess.access(follow.http, main, err);
        } catch (IllegalArgumentException e) {
            return KeyCommand.error(err, "bad_request", e.getMessage());
        }
        AdminHttp api = new AdminHttp(follow.timeoutMillis, access);
        try {
            JsonNode started = api.post(follow.http, action());
            out.println(started.path("started").asBoolean() ? "started: " + started.path("rebalance")
                    .path("description").asText(action()) : "nothing to do: already done");
            out.flush();
            if (follow.noWait || !started.path("started").asBoolean()) {
                return ExitCodes.OK;
            }
            long deadline = follow.deadlineNanos();
            while (true) {
                follow.pause();
                JsonNode view = api.get(follow.http, "/membership");
                JsonNode p = view.path("rebalance");
                out.printf("ring version %d: %s %d/%d partitions switched, %d key(s) / %d bytes received here"
                                + " at %d B/s, eta %s%n", view.path("ring_version").asLong(),
                        p.path("description").asText(), p.path("partitions_done").asInt(),
                        p.path("partitions_total").asInt(), p.path("keys").asLong(), p.path("bytes").asLong(),
                        p.path("bytes_per_second").asLong(), eta(p.path("eta_ms").asLong()));
                out.flush();
                if (!p.path("active").asBoolean() && complete(view)) {
                    out.println("done: ring version " + view.path("ring_version").asLong());
                    out.flush();
                    return ExitCodes.OK;
                }
                if (System.nanoTime() > deadline) {
                    out.println("still moving after " + follow.maxWaitSeconds + " s; follow it with bin/dynamo status");
                    out.flush();
                    return ExitCodes.OK;
                }
            }
        } catch (AdminHttp.Refused e) {
            return KeyCommand.error(err, e.code(), e.getMessage());
        } catch (IOException e) {
            return KeyCommand.error(err, "membership", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.ERROR;
        }
    }

    private static String eta(long millis) {
        return millis < 0 ? "unknown" : millis == 0 ? "-" : (millis + 999) / 1000 + " s";
    }

    static JsonNode member(JsonNode view, String id) {
        for (JsonNode n : view.path("nodes")) {
            if (n.path("id").asText().equals(id)) {
                return n;
            }
        }
        return null;
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Command(name = "join", mixinStandardHelpOptions = true,
            description = {"Makes the node at --http (started with 'seeds' and without 'cluster.nodes') a member:"
                           + " the ring gains it with the fewest moves and partitions stream to it while the cluster"
                           + " keeps serving. Prints progress until its partitions have switched to it."})
    static final class Join extends MembershipCommand {
        @Option(names = "--seed", paramLabel = "HOST:PORT",
                description = "Binary address of any member to learn the cluster from, beside the node's seeds.")
        String seed;

        @Override
        String action() {
            return "/membership/join" + (seed == null ? "" : "?seed=" + encode(seed));
        }

        @Override
        boolean complete(JsonNode view) {
            JsonNode me = member(view, view.path("node").asText());
            return me != null && "normal".equals(me.path("membership").asText()) && me.path("partitions").asInt() > 0;
        }
    }

    @Command(name = "leave", mixinStandardHelpOptions = true,
            description = {"Makes the node at --http hand all its partitions to the other nodes, then leave the ring;"
                           + " it keeps serving until they have them. Stop it afterwards."})
    static final class Leave extends MembershipCommand {
        @Override
        String action() {
            return "/membership/leave";
        }

        @Override
        boolean complete(JsonNode view) {
            JsonNode me = member(view, view.path("node").asText());
            return me == null || me.path("partitions").asInt() == 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Removes a dead node from the ring: its partitions go to the others, copied from the"
                           + " surviving replicas. --http names any live node; it must suspect NODE (a live node"
                           + " should leave)."})
    static final class Remove extends MembershipCommand {
        @Parameters(index = "0", paramLabel = "NODE", description = "Id of the node to remove.")
        String node;

        @Override
        String action() {
            return "/membership/remove?node=" + encode(node);
        }

        @Override
        boolean complete(JsonNode view) {
            JsonNode gone = member(view, node);
            return gone == null || gone.path("partitions").asInt() == 0;
        }
    }
}
