package dev.dynamo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the packages of {@code dev.dynamo.core} free of cycles, so that each can be read,
 * tested and replaced from the bottom up (docs/architecture.md, "Packages of dynamo-core"). A package
 * depends on another when one of its main source files imports a class of it or names one
 * by its qualified name in code (comments and strings do not count).
 */
class PackageCyclesTest {
    private static final String ROOT = "dev.dynamo.core";
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\b(dev\\.dynamo\\.core(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void coreHasNoPackageCycle() {
        Map<String, Set<String>> graph = dependencies(Path.of("src/main/java"));
        assertTrue(graph.size() > 10, "the scan found too few packages to be meaningful: " + graph.keySet());
        List<List<String>> cycles = cycles(graph);
        assertEquals(List.of(), cycles, "package cycles in dynamo-core (each list is one strongly connected set)");
    }

    @Test
    void theScanFindsACycleWhenThereIsOne() {
        Map<String, Set<String>> graph = new TreeMap<>();
        graph.put("a", Set.of("b"));
        graph.put("b", Set.of("c"));
        graph.put("c", Set.of("a", "d"));
        graph.put("d", Set.of());
        assertEquals(List.of(List.of("a", "b", "c")), cycles(graph));
    }

    @Test
    void qualifiedNamesInCodeCountButCommentsAndStringsDoNot() {
        String source = """
                package dev.dynamo.core.x;
                import dev.dynamo.core.y.Y;
                /** See {@link dev.dynamo.core.z.Z}. */
                class X { Object o = new dev.dynamo.core.w.W(); String s = "dev.dynamo.core.v.V"; } // dev.dynamo.core.u.U
                """;
        assertEquals(Set.of("dev.dynamo.core.y", "dev.dynamo.core.w"), referencedPackages(source));
    }

    private static Map<String, Set<String>> dependencies(Path sourceRoot) {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher pkg = PACKAGE.matcher(source);
                if (!pkg.find() || !pkg.group(1).startsWith(ROOT)) {
                    continue;
                }
                Set<String> deps = graph.computeIfAbsent(pkg.group(1), p -> new TreeSet<>());
                for (String target : referencedPackages(source)) {
                    if (!target.equals(pkg.group(1))) {
                        deps.add(target);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    private static Set<String> referencedPackages(String source) {
        String code = source.replaceAll("(?s)/\\*.*?\\*/", " ")
                .replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("//[^\\n]*", " ");
        Set<String> out = new TreeSet<>();
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
            out.add(m.group(1));
        }
        String own = PACKAGE.matcher(source).results().map(r -> r.group(1)).findFirst().orElse("");
        out.remove(own);
        return out;
    }

    /** Strongly connected sets of more than one package (Tarjan), each sorted, in order of their first member. */
    private static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> out = new ArrayList<>();
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, graph, index, low, stack, onStack, out);
            }
        }
        out.sort((a, b) -> a.get(0).compareTo(b.get(0)));
        return out;
    }

    private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                List<List<String>> out) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, out);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                out.add(component);
            }
        }
    }
}
