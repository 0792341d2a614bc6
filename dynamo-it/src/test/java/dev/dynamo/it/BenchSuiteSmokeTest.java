package dev.dynamo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark suite's smoke run, so that {@code bench/suite.sh} cannot rot: a few hundred
 * records, one workload, the memory engine, no Cassandra, seconds per run. Every part of the
 * report must carry numbers (our store at N=3 and N=1, the Netty echo, the in-process engine),
 * and nothing the suite started may still listen afterwards.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BenchSuiteSmokeTest {
    private static final Pattern ROW = Pattern.compile("^\\| ([^|]+) \\| a \\| 4 \\| ([0-9,]+) \\| READ \\| (\\d+) \\|.*$");

    @TempDir
    Path dir;

    @Test
    void smokeRunReportsEveryTargetAndStopsWhatItStarted() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path script = root.resolve("bench/suite.sh");
        assertTrue(Files.isReadable(script), "bench/suite.sh at " + script);
        int base = 30_000 + (int) (ProcessHandle.current().pid() % 10_000);
        Path report = dir.resolve("report.md");
        Path output = dir.resolve("output.txt");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "--smoke", "--base-port",
                Integer.toString(base), "--out", report.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("TMPDIR", dir.toString());
        Process suite = pb.start();
        try {
            assertTrue(suite.waitFor(210, TimeUnit.SECONDS), "the smoke run ended within 210 s");
        } finally {
            if (suite.isAlive()) {
                suite.destroy(); // SIGTERM: the suite's trap stops what it started
                if (!suite.waitFor(60, TimeUnit.SECONDS)) {
                    suite.descendants().forEach(ProcessHandle::destroyForcibly);
                    suite.destroyForcibly();
                }
            }
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        assertEquals(0, suite.exitValue(), out);
        List<String> lines = Files.readAllLines(report, StandardCharsets.UTF_8);
        for (String target : List.of("ours N=3 R=2 W=2 memory", "ours N=1 memory", "Netty echo (transport ceiling)",
                "memory in-process (storage ceiling)")) {
            Matcher m = lines.stream().map(ROW::matcher).filter(x -> x.matches() && x.group(1).equals(target))
                    .findFirst().orElseThrow(() -> new AssertionError("no READ row for " + target + ":\n" + out));
            assertTrue(Long.parseLong(m.group(3)) > 0, target + " read something: " + m.group());
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("| ours N=1 memory ÷ Netty echo | a | ")), out);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("- date: ") && l.contains("commit: ")), out);
        for (int i = 1; i <= 3; i++) {
            assertFalse(listening(base + i), "node " + i + " stopped (binary port)");
            assertFalse(listening(base + 100 + i), "node " + i + " stopped (HTTP port)");
        }
        assertFalse(listening(base + 200), "the echo server stopped");
        try (var left = Files.list(dir)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("dynamo-bench.")),
                    "the suite deleted its temporary directory");
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
