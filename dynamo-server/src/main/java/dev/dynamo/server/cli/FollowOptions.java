package dev.dynamo.server.cli;

import picocli.CommandLine.Option;

/**
 * Options of the operator commands that start something on a node over HTTP and then
 * follow its progress ({@code repair}, {@code join}, {@code leave}, {@code remove}); a
 * picocli mixin, so every such command spells them the same way.
 */
final class FollowOptions {

    @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = StatusCommand.DEFAULT_HTTP,
            description = "HTTP address of the node to act on: host:port, or an http:// or https:// URL; default"
                    + " ${DEFAULT-VALUE}.")
    String http;

    @Option(names = "--no-wait", description = "Start it and return without following it.")
    boolean noWait;

    @Option(names = "--poll-ms", paramLabel = "MS", defaultValue = "1000",
            description = "How often progress is printed; default ${DEFAULT-VALUE}.")
    long pollMillis;

    @Option(names = "--max-wait-s", paramLabel = "S", defaultValue = "86400",
            description = "Stop following after this long (it goes on); default ${DEFAULT-VALUE}.")
    long maxWaitSeconds;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "5000",
            description = "How long to wait for each HTTP call; default ${DEFAULT-VALUE}.")
    long timeoutMillis;

    /**
     * Waits one {@code --poll-ms} between two progress reports. The operator's terminal is
     * polling a node over HTTP here; no node logic waits on wall-clock time this way.
     */
    void pause() throws InterruptedException {
        Thread.sleep(pollMillis);
    }

    /** When following gives up, in {@link System#nanoTime()} terms. */
    long deadlineNanos() {
        return System.nanoTime() + maxWaitSeconds * 1_000_000_000L;
    }
}
