package dev.dynamo.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The depth runner runs exactly the seeds asked, reports per configuration, and records failing seeds. */
class DepthRunTest {

    @TempDir
    Path dir;

    @Test
    void runsEverySeedOfEveryConfigurationOnThreadsAndSummarises() throws Exception {
        DepthOptions o = DepthOptions.parse("--seeds", "3", "--first-seed", "40", "--config", "siblings-w2,cart-w1-sync",
                "--threads", "2", "--out", dir.toString());
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        DepthRun.Summary s = DepthRun.run(o, new PrintStream(text, true, StandardCharsets.UTF_8));
        assertEquals(6, s.runs());
        assertEquals(0, s.failing(), text.toString(StandardCharsets.UTF_8));
        assertTrue(s.ok());
        String printed = text.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("6/6 runs (100.0%), 0 failing"), printed);
        // per configuration: three runs; the sync configuration ran under crashes, as in CI
        assertTrue(printed.contains("| siblings-w2 | "), printed);
        assertTrue(printed.contains("| cart-w1-sync | crash-restart | 3 | 0 |"), printed);
        assertEquals("", Files.readString(dir.resolve("failures.txt")));
        assertTrue(Files.readString(dir.resolve("summary.md")).contains("| cart-w1-sync |"));
    }

    @Test
    void aFailingSeedIsRecordedWithItsReplayCommandAndTheRunGoesOn() throws Exception {
        DepthOptions o = DepthOptions.parse("--seeds", "2", "--first-seed", "7", "--config", "cart-w2",
                "--threads", "1", "--out", dir.toString());
        // seed 8 loses every acknowledged write (its final state emptied), seed 7 is left alone
        DepthRun run = new DepthRun(o, (seed, config, kind) -> Simulation.run(seed, config, kind, SimOptions.DEFAULTS,
                state -> {
                    if (seed == 8) {
                        state.values().forEach(r -> r.replaceAll((node, set) -> dev.dynamo.core.version.SiblingSet.EMPTY));
                    }
                }), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        DepthRun.Summary s = run.execute();
        assertEquals(2, s.runs());
        assertEquals(1, s.failing());
        List<String> lines = Files.readAllLines(dir.resolve("failures.txt"));
        assertTrue(lines.get(0).startsWith("# cart-w2 seed 8 (" + FaultKind.forSeed(8).label() + "): ["), lines.get(0));
        assertTrue(lines.get(1).contains("--seed 8 --config cart-w2 --fault " + FaultKind.forSeed(8).label()),
                lines.get(1));
        assertTrue(lines.get(2).contains("-Dsim.depth=\"--config cart-w2 --first-seed 8 --seeds 1\""), lines.get(2));
        assertTrue(Files.readString(dir.resolve("reports.txt")).contains("simulation seed 8, config cart-w2"));
    }

    @Test
    void badOptionsAreRefusedWithTheUsage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DepthOptions.parse("--seeds", "many"));
        assertTrue(e.getMessage().contains("--seeds needs a number"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DepthOptions.parse("--wat"))
                .getMessage().contains("usage:"));
        assertThrows(IllegalArgumentException.class, () -> DepthOptions.parse("--config", "lww-w7"));
    }
}
