package dev.dynamo.it;

import java.util.regex.Pattern;

/**
 * Compares a command's output with a sample printed in the docs, as a reader would: a line
 * {@code ...} stands for any number of lines, {@code …} within a line for any text, and the
 * value of an {@code X-Dynamo-Context} header for any context (they differ from run to run).
 * Carriage returns, trailing blanks and the width of runs of spaces do not count.
 */
final class SampleMatcher {
    private static final Pattern CONTEXT = Pattern.compile("(?im)^(x-dynamo-context: )\\S+$");

    private SampleMatcher() {
    }

    static void assertMatches(String sample, String actual, String what) {
        String text = normalize(actual);
        if (!regex(normalize(sample)).matcher(text).matches()) {
            throw new AssertionError(what + ": output differs from the sample.\n--- sample\n" + sample
                    + "--- output\n" + actual);
        }
    }

    private static String normalize(String s) {
        String out = CONTEXT.matcher(s.replace("\r", "")).replaceAll("$1…");
        StringBuilder b = new StringBuilder();
        for (String line : out.split("\n", -1)) {
            b.append(line.replaceAll(" {2,}", " ").stripTrailing()).append('\n');
        }
        // one trailing newline whatever the command printed last
        return b.toString().replaceAll("\n+$", "") + "\n";
    }

    private static Pattern regex(String sample) {
        StringBuilder re = new StringBuilder();
        for (String line : sample.split("\n")) {
            if (line.equals("...")) {
                re.append("(?:[^\\n]*\\n)*?");
                continue;
            }
            String[] parts = line.split("…", -1);
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    re.append("[^\\n]*?");
                }
                re.append(Pattern.quote(parts[i]));
            }
            re.append("\\n");
        }
        return Pattern.compile(re.toString());
    }
}
