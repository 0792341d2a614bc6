package dev.dynamo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's tour, run as a newcomer runs it: {@code bin/dynamo local} from the checkout,
 * then every shell block marked {@code <!-- quickstart -->} in order through bash, each
 * block's output compared with the sample printed under it, then the tour's fault step
 * (kill a node from the local prompt, keep writing, start it again). A README whose commands
 * or samples drift from what the store does fails here.
 *
 * <p>The cluster listens on other ports than the README's 8081-8083 and 7081-7083, so that a
 * cluster the developer runs does not collide with the test: every {@code 127.0.0.1:808i} and
 * {@code 127.0.0.1:708i} in commands and samples is rewritten to the test's ports (of as many
 * digits, so columns line up as printed), and {@code bin/dynamo status} is pointed at them.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ReadmeQuickStartTest {
    private static final int SECONDS_PER_BLOCK = 90;
    private static final Pattern DATA_DIR = Pattern.compile("data in (\\S+)");
    private static final Pattern PID_COLUMN = Pattern.compile("(?m)(127\\.0\\.0\\.1:\\d+ +)\\d+( +/)");

    @Test
    void theTourRunsAsPrinted() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<QuickStartBlock> blocks = QuickStartBlock.parse(Files.readString(root.resolve("README.md")));
        assertTrue(blocks.size() >= 5, "README marks its tour's blocks with <!-- quickstart -->: " + blocks.size());
        assertTrue(blocks.get(0).isStartupBanner(), "the first marked block is bin/dynamo local's banner");

        int base = 5_100 + (int) (ProcessHandle.current().pid() % 1_700);
        PortRewrite ports = new PortRewrite(base);
        Process local = new ProcessBuilder("bash", root.resolve("bin/dynamo").toString(), "local",
                "--base-port", Integer.toString(base))
                .directory(root.toFile()).redirectErrorStream(true).start();
        Path dataDir = null;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(local.getInputStream(), StandardCharsets.UTF_8));
            String banner = readBanner(out);
            Thread drain = new Thread(() -> drain(out), "local-output");
            drain.setDaemon(true);
            drain.start();
            Matcher data = DATA_DIR.matcher(banner);
            assertTrue(data.find(), "the banner names the data directory:\n" + banner);
            dataDir = Path.of(data.group(1));
            SampleMatcher.assertMatches(withoutPids(ports.apply(blocks.get(0).expected())), withoutPids(banner),
                    "bin/dynamo local's banner");

            for (QuickStartBlock block : blocks.subList(1, blocks.size())) {
                Shell.Result r = Shell.run(root, ports.apply(block.commands()), SECONDS_PER_BLOCK);
                if (block.expected() == null) {
                    assertEquals(0, r.exitCode(), "README block exits 0:\n" + block.commands() + "\n" + r);
                } else {
                    SampleMatcher.assertMatches(ports.apply(block.expected()), r.stdout(), "README block\n"
                            + block.commands() + "\nstderr:\n" + r.stderr());
                }
            }

            tryTheFaultStep(root, ports, local.getOutputStream());
        } finally {
            local.destroy(); // SIGTERM, as Ctrl-C would
            if (!local.waitFor(60, TimeUnit.SECONDS)) {
                local.descendants().forEach(ProcessHandle::destroyForcibly);
                local.destroyForcibly();
            }
            if (dataDir != null) {
                deleteTree(dataDir); // local kept the nodes' logs there, as it does for a reader
            }
        }
    }

    /** Process ids differ from run to run: the banner's PID column, masked in sample and output alike. */
    private static String withoutPids(String banner) {
        return PID_COLUMN.matcher(banner).replaceAll("$1<pid>$2");
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Section 5 of the tour: kill n3 at the prompt, writes still succeed, status says so, start n3 again. */
    private static void tryTheFaultStep(Path root, PortRewrite ports, OutputStream prompt) throws Exception {
        String status = ports.apply("bin/dynamo status");
        prompt.write("kill n3\n".getBytes(StandardCharsets.UTF_8));
        prompt.flush();
        assertTrue(Shell.waitForExitCode(root, status, 1, SECONDS_PER_BLOCK),
                "after 'kill n3', bin/dynamo status exits 1");

        Shell.Result put = Shell.run(root, ports.apply(
                "curl -s -o /dev/null -w '%{http_code}' -X PUT --data-binary 'still here'"
                        + " http://127.0.0.1:8081/tables/default/keys/during-outage"), SECONDS_PER_BLOCK);
        assertEquals("204", put.stdout().trim(), "a write through n1 with n3 down (w=2 of n=3): " + put);

        prompt.write("start n3\n".getBytes(StandardCharsets.UTF_8));
        prompt.flush();
        assertTrue(Shell.waitForExitCode(root, status, 0, SECONDS_PER_BLOCK),
                "after 'start n3', bin/dynamo status exits 0 again");
        Shell.Result get = Shell.run(root, ports.apply(
                "curl -s http://127.0.0.1:8083/tables/default/keys/during-outage"), SECONDS_PER_BLOCK);
        assertEquals("still here", get.stdout(), "the write made during the outage, read through n3: " + get);
    }

    /** Lines of local's output up to the last line of its banner (the one that says how to stop). */
    private static String readBanner(BufferedReader out) throws IOException {
        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            lines.add(line);
            if (line.contains("stops every node")) {
                return String.join("\n", lines) + "\n";
            }
            assertFalse(line.startsWith("error:"), "bin/dynamo local failed:\n" + String.join("\n", lines));
        }
        throw new AssertionError("bin/dynamo local printed no complete banner:\n" + String.join("\n", lines));
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // discard: keeps the pipe from filling while the test runs and the cluster stops
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** The README's ports to the test's, and {@code bin/dynamo status} pointed at them. */
    record PortRewrite(int base) {
        String apply(String text) {
            String s = text;
            for (int i = 1; i <= 3; i++) {
                s = s.replace("127.0.0.1:808" + i, "127.0.0.1:" + (base + i))
                        .replace("127.0.0.1:708" + i, "127.0.0.1:" + (base - 1000 + i));
            }
            return s.replace("bin/dynamo status", "bin/dynamo status --http 127.0.0.1:" + (base + 1));
        }
    }
}
