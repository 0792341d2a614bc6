package dev.dynamo.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs documented shell commands through bash from the checkout's root, as a reader pastes them. */
final class Shell {
    private Shell() {
    }

    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    static Result run(Path root, String script, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("shell-out", ".txt");
        Path err = Files.createTempFile("shell-err", ".txt");
        try {
            Process p = new ProcessBuilder("bash", "-c", script).directory(root.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("did not finish in " + timeoutSeconds + " s:\n" + script);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs {@code script} once a second until it exits with {@code code}; false if it never did in time. */
    static boolean waitForExitCode(Path root, String script, int code, int timeoutSeconds)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            if (run(root, script, timeoutSeconds).exitCode() == code) {
                return true;
            }
            Thread.sleep(1000);
        }
        return false;
    }
}
