package dev.dynamo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the documentation whole: README.md stays short, every relative Markdown link in
 * README.md and docs/ leads to a file or directory of the repository (and, with
 * {@code #anchor}, to a heading that exists), docs/README.md lists every document, and every
 * Markdown file a Java comment names exists. Each failure lists the file, the line and the
 * link. Plain file reading, no server: it runs with the other tests of this module, and alone
 * with {@code mvn -B verify -pl dynamo-it -am -Dtest=DocsLinksTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class DocsLinksTest {

    /** README.md must have fewer lines than this: it is read first, in ten minutes. */
    static final int README_LINE_LIMIT = 400;

    /**
     * Markdown files that Java comments name but that are not in the repository: what the
     * benchmark suite writes into its results directory ({@code bench/suite.sh}, {@code SuiteReport}) and
     * the simulation's depth run into its output directory ({@code DepthRun}).
     */
    static final Set<String> GENERATED_MARKDOWN = Set.of("report.md", "ring-balance.md", "summary.md");

    /** {@code [text](target)} or {@code ![alt](target)}, the text possibly wrapped over lines of one paragraph. */
    private static final Pattern INLINE_LINK = Pattern.compile(
            "!?\\[(?:[^\\]\\n]|\\n(?![ \\t]*\\n))*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+(?:\"[^\"]*\"|'[^']*'|\\([^)]*\\)))?\\s*\\)");
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?([^\\s>]+)>?.*$");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
    /** A code span, which may wrap over lines but not across a blank line. */
    private static final Pattern INLINE_CODE = Pattern.compile("(`+)((?:[^\\n]|\\n(?![ \\t]*\\n))+?)\\1");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://\\S+");
    private static final Pattern MARKDOWN_FILE = Pattern.compile("[\\w./-]+\\.md(?![\\w])");

    private final Path root = repositoryRoot();

    @Test
    void readmeIsShort() throws IOException {
        int lines = Files.readAllLines(root.resolve("README.md")).size();
        assertTrue(lines < README_LINE_LIMIT, () -> "README.md has " + lines + " lines; keep it under "
                + README_LINE_LIMIT + " and move reference material into docs/ (docs/README.md lists the documents)");
    }

    @Test
    void everyRelativeMarkdownLinkResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path file : markdownFiles()) {
            for (Link link : links(file)) {
                String problem = problem(file, link.target());
                if (problem != null) {
                    broken.add(where(file, link.line()) + ": (" + link.target() + ") " + problem);
                }
            }
        }
        assertTrue(broken.isEmpty(), () -> broken.size() + " broken Markdown link(s):\n  " + String.join("\n  ", broken));
    }

    @Test
    void docsIndexListsEveryDocument() throws IOException {
        Path index = root.resolve("docs/README.md");
        Set<Path> linked = new LinkedHashSet<>();
        for (Link link : links(index)) {
            String path = link.target().split("#", 2)[0];
            if (!path.isEmpty() && !SCHEME.matcher(path).find()) {
                linked.add(index.getParent().resolve(decode(path)).normalize());
            }
        }
        List<String> missing = markdownFiles().stream()
                .filter(f -> f.startsWith(root.resolve("docs")) && !f.equals(index) && !linked.contains(f))
                .map(f -> root.relativize(f).toString())
                .collect(Collectors.toList());
        assertTrue(missing.isEmpty(), () -> "docs/README.md does not link to " + missing + ": add one line for each");
    }

    @Test
    void everyMarkdownFileNamedInAJavaCommentExists() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Path file : javaSources()) {
            String source = Files.readString(file);
            for (Comment comment : comments(source)) {
                String text = blank(URL, comment.text());
                Matcher m = MARKDOWN_FILE.matcher(text);
                while (m.find()) {
                    String name = m.group();
                    if (!GENERATED_MARKDOWN.contains(name) && !markdownFileExists(name)) {
                        int line = comment.line() + lineOf(text, m.start()) - 1;
                        missing.add(where(file, line) + ": " + name);
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), () -> missing.size() + " Java comment(s) name a Markdown file that is not in the"
                + " repository (paths resolve against the repository root or docs/; point them at the docs/ file that"
                + " now holds the topic):\n  " + String.join("\n  ", missing));
    }

    @Test
    void slugsFollowGitHubRules() {
        assertEquals("httpjson-api", slug("HTTP/JSON API"));
        assertEquals("bindynamo", slug("`bin/dynamo`"));
        assertEquals("tablestableproperties", slug("`tables/<table>.properties`"));
        assertEquals("latest-numbers-2026-11-30-commit-b4dc5e5-full-size",
                slug("Latest numbers (2026-11-30, commit b4dc5e5, full size)"));
        assertEquals("dynamo--a-dynamo-style-store", slug("Dynamo — a Dynamo-style store"));
        assertEquals("see-the-docs", slug("See [the docs](docs/README.md)"));
    }

    @Test
    void linksAreFoundWhenWrappedButNotInCode(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("a.md");
        Files.writeString(file, String.join("\n",
                "See [the wrapped",
                "text](b.md#x) and `[code](c.md)`, then",
                "```",
                "[fenced](d.md)",
                "```",
                "",
                "[ref]: e.md"));
        assertEquals(List.of(new Link(2, "b.md#x"), new Link(7, "e.md")), links(file));
    }

    @Test
    void commentsAreFoundButStringsAreNot() {
        List<Comment> found = comments("""
                String a = "/* not a comment */ MISSING.md"; // one.md
                char c = '"'; /* two.md
                   still two */ String b = \"""
                   // not a comment either
                   \""";
                """);
        assertEquals(List.of(new Comment(1, " one.md"), new Comment(2, " two.md\n   still two ")), found);
    }

    // ---- repository ----

    /** Walks up from the working directory to the directory with README.md and the parent pom (with {@code <modules>}). */
    static Path repositoryRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.isRegularFile(dir.resolve("README.md"))
                        && Files.readString(pom).contains("<modules>")) {
                    return dir;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no directory at or above " + start
                + " holds both README.md and a pom.xml with <modules>");
    }

    /** README.md and every .md file under docs/. */
    private List<Path> markdownFiles() throws IOException {
        List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p)).sorted().forEach(files::add);
        }
        return files;
    }

    /** Every .java file in a {@code src} directory of the repository ({@code <module>/src/**}, {@code bench/.../src/**}). */
    private List<Path> javaSources() throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                return !dir.equals(root) && (name.startsWith(".") || name.equals("target") || name.equals("node_modules"))
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                Path relative = root.relativize(file);
                boolean inSrc = false;
                for (Path part : relative) {
                    inSrc |= part.toString().equals("src");
                }
                if (inSrc && file.toString().endsWith(".java")) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(null);
        assertTrue(files.size() > 100, () -> "found only " + files.size() + " Java sources under " + root);
        return files;
    }

    private boolean markdownFileExists(String name) {
        for (Path base : List.of(root, root.resolve("docs"))) {
            Path path = base.resolve(name).normalize();
            if (path.startsWith(root) && Files.exists(path)) {
                return true;
            }
        }
        return false;
    }

    private String where(Path file, int line) {
        return root.relativize(file) + ":" + line;
    }

    // ---- Markdown ----

    record Link(int line, String target) {
    }

    /** Why {@code target}, linked from {@code file}, is broken; null when it is fine or not checked. */
    private String problem(Path file, String target) throws IOException {
        if (target.isEmpty()) {
            return "empty link target";
        }
        if (SCHEME.matcher(target).find()) {
            String lower = target.toLowerCase();
            return lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("mailto:") ? null
                    : "is neither a relative link nor http(s):// or mailto:";
        }
        String[] parts = target.split("#", 2);
        String path = decode(parts[0]);
        Path resolved = path.isEmpty() ? file
                : (path.startsWith("/") ? root.resolve(path.substring(1)) : file.getParent().resolve(path)).normalize();
        if (!resolved.startsWith(root)) {
            return "points outside the repository, to " + resolved;
        }
        if (!Files.exists(resolved)) {
            return "names " + root.relativize(resolved) + ", which does not exist";
        }
        if (parts.length == 2 && resolved.toString().endsWith(".md") && Files.isRegularFile(resolved)) {
            String anchor = decode(parts[1]);
            Set<String> anchors = anchors(resolved);
            if (!anchors.contains(anchor)) {
                return "#" + anchor + " is not a heading of " + root.relativize(resolved) + "; its anchors are " + anchors;
            }
        }
        return null;
    }

    /** The links of a Markdown file, outside fenced code blocks and code spans. */
    static List<Link> links(Path file) throws IOException {
        List<Link> links = new ArrayList<>();
        String prose = blank(INLINE_CODE, String.join("\n", proseLines(Files.readAllLines(file))));
        Matcher m = INLINE_LINK.matcher(prose);
        while (m.find()) {
            links.add(new Link(lineOf(prose, m.start(1)), m.group(1)));
        }
        String[] lines = prose.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher definition = REFERENCE_DEFINITION.matcher(lines[i]);
            if (definition.matches()) {
                links.add(new Link(i + 1, definition.group(1)));
            }
        }
        return links;
    }

    /** The 1-based line of {@code offset} in {@code text}. */
    private static int lineOf(String text, int offset) {
        return 1 + (int) text.substring(0, offset).chars().filter(c -> c == '\n').count();
    }

    /** The anchors GitHub gives a Markdown file's headings (duplicates get -1, -2, ...), plus HTML anchors. */
    static Set<String> anchors(Path file) throws IOException {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : proseLines(Files.readAllLines(file))) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(2));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
            Matcher html = HTML_ANCHOR.matcher(line);
            while (html.find()) {
                anchors.add(html.group(1));
            }
        }
        return anchors;
    }

    /**
     * GitHub's anchor for a heading: the text as rendered (link targets, images and emphasis
     * markers dropped), lowercased, without punctuation other than hyphens and spaces, and
     * each space made a hyphen.
     */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("*", "");
        return text.toLowerCase().replaceAll("[^\\p{L}\\p{M}\\p{N}_\\- ]", "").replace(' ', '-');
    }

    /** The lines with those inside fenced code blocks made empty, so line numbers stay. */
    private static List<String> proseLines(List<String> lines) {
        List<String> prose = new ArrayList<>(lines.size());
        String fence = null;
        for (String line : lines) {
            Matcher m = FENCE.matcher(line);
            if (fence == null && m.find()) {
                fence = m.group(1);
                prose.add("");
            } else if (fence != null) {
                if (m.find() && m.group(1).charAt(0) == fence.charAt(0) && m.group(1).length() >= fence.length()
                        && line.strip().equals(m.group(1))) {
                    fence = null;
                }
                prose.add("");
            } else {
                prose.add(line);
            }
        }
        return prose;
    }

    // ---- Java ----

    record Comment(int line, String text) {
    }

    /** The text of every // and block comment of a Java source, skipping string, text block and char literals. */
    static List<Comment> comments(String source) {
        List<Comment> comments = new ArrayList<>();
        int line = 1;
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                end = end < 0 ? n : end;
                comments.add(new Comment(line, source.substring(i + 2, end)));
                i = end;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end;
                String text = source.substring(i + 2, end);
                comments.add(new Comment(line, text));
                line += (int) text.chars().filter(ch -> ch == '\n').count();
                i = Math.min(n, end + 2);
            } else if (source.startsWith("\"\"\"", i)) {
                int end = literalEnd(source, i + 3, "\"\"\"");
                line += (int) source.substring(i, end).chars().filter(ch -> ch == '\n').count();
                i = end;
            } else if (c == '"' || c == '\'') {
                i = literalEnd(source, i + 1, String.valueOf(c));
            } else {
                if (c == '\n') {
                    line++;
                }
                i++;
            }
        }
        return comments;
    }

    /** The index just after the unescaped {@code close} that ends a literal whose body starts at {@code from}. */
    private static int literalEnd(String source, int from, String close) {
        int i = from;
        while (i < source.length()) {
            if (source.charAt(i) == '\\') {
                i += 2;
            } else if (source.startsWith(close, i)) {
                return i + close.length();
            } else if (source.charAt(i) == '\n' && close.length() == 1) {
                return i; // not a literal after all; let the caller count the line
            } else {
                i++;
            }
        }
        return source.length();
    }

    // ---- text ----

    /** {@code text} with every match of {@code pattern} replaced by spaces (newlines kept), so offsets stay. */
    private static String blank(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder(text);
        while (m.find()) {
            for (int i = m.start(); i < m.end(); i++) {
                if (out.charAt(i) != '\n') {
                    out.setCharAt(i, ' ');
                }
            }
        }
        return out.toString();
    }

    /** Percent-decoding of a link target ({@code +} stays a plus sign); a malformed one is taken as written. */
    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
