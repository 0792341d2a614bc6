package dev.dynamo.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The simulation at depth, on demand: not a CI test (its name matches none of surefire's
 * test patterns, so only {@code -Dtest=SimulationDepthRun} runs it), it runs what the
 * property {@code sim.depth} asks ({@link DepthOptions}; default {@code --seeds 100}) and
 * fails when any run failed, naming the file with the replay commands. From the repository
 * root:
 *
 * <pre>{@code
 * mvn -B -q -pl dynamo-sim -am test -Dtest=SimulationDepthRun -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dsim.depth="--seeds 10000 --threads 2"
 * }</pre>
 *
 * With {@code sim.depth} set, the module's pom prints the test's output (the progress lines)
 * on the console instead of into the surefire report file.
 */
class SimulationDepthRun {

    @Test
    void everySeedAskedForPasses() {
        String args = System.getProperty("sim.depth", "--seeds 100");
        DepthRun.Summary s = DepthRun.run(DepthOptions.parse(args.trim().split("\\s+")), System.out);
        assertTrue(s.failing() == 0, s.failing() + " of " + s.runs() + " runs failed; replay commands in "
                + DepthOptions.parse(args.trim().split("\\s+")).out().resolve("failures.txt").toAbsolutePath()
                + System.lineSeparator() + s.table());
    }
}
