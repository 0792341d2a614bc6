package dev.dynamo.it;

import java.util.ArrayList;
import java.util.List;

/**
 * One block of the README's tour, marked by an HTML comment before its fence:
 * {@code <!-- quickstart -->} before a {@code ```sh} block of commands, whose output must
 * match the plain fenced block right after it; {@code <!-- quickstart: runs -->} before
 * commands that must only exit 0; {@code <!-- quickstart: output of bin/dynamo local -->}
 * before the startup banner's sample.
 *
 * @param commands the shell commands, or null for the banner
 * @param expected the sample output, or null when the commands need only exit 0
 */
record QuickStartBlock(String commands, String expected) {
    private static final String MARKER = "<!-- quickstart";

    boolean isStartupBanner() {
        return commands == null;
    }

    static List<QuickStartBlock> parse(String readme) {
        String[] lines = readme.split("\n", -1);
        List<QuickStartBlock> blocks = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].startsWith(MARKER)) {
                continue;
            }
            String kind = lines[i].substring(MARKER.length()).replace("-->", "").replace(":", "").trim();
            Fence first = Fence.at(lines, i + 1);
            switch (kind) {
                case "output of bin/dynamo local" -> blocks.add(new QuickStartBlock(null, first.body()));
                case "runs" -> blocks.add(new QuickStartBlock(first.body(), null));
                case "" -> {
                    Fence sample = Fence.at(lines, first.end() + 1);
                    if (!sample.language().isEmpty()) {
                        throw new IllegalArgumentException("README line " + (first.end() + 2)
                                + ": a quickstart block's sample is a plain ``` block right after its commands");
                    }
                    blocks.add(new QuickStartBlock(first.body(), sample.body()));
                }
                default -> throw new IllegalArgumentException("README line " + (i + 1) + ": unknown marker " + lines[i]);
            }
        }
        return blocks;
    }

    /** A fenced block: its language, its text and the index of its closing fence line. */
    private record Fence(String language, String body, int end) {
        static Fence at(String[] lines, int start) {
            if (start >= lines.length || !lines[start].startsWith("```")) {
                throw new IllegalArgumentException("README line " + (start + 1)
                        + ": a quickstart marker must be followed by a fenced block");
            }
            StringBuilder body = new StringBuilder();
            for (int j = start + 1; j < lines.length; j++) {
                if (lines[j].startsWith("```")) {
                    return new Fence(lines[start].substring(3).trim(), body.toString(), j);
                }
                body.append(lines[j]).append('\n');
            }
            throw new IllegalArgumentException("README line " + (start + 1) + ": fenced block never closed");
        }
    }
}
