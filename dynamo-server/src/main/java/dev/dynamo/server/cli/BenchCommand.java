package dev.dynamo.server.cli;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dynamo bench ...}: hands every argument to the load generator of module
 * {@code dynamo-bench}. Found by name at run time, because the server does not compile
 * against the benchmarks; when the module is not on the class path, says so.
 */
@Command(name = "bench",
        description = {"Load generator: throughput and latency percentiles (module dynamo-bench).",
                       "Every argument is passed to " + BenchCommand.LOAD_GENERATOR + "; 'bench --help' lists them."})
final class BenchCommand implements Callable<Integer> {

    static final String LOAD_GENERATOR = "dev.dynamo.bench.LoadGenerator";

    @Parameters(arity = "0..*", paramLabel = "ARGS", description = "Arguments of the load generator.")
    List<String> args = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Class<?> generator;
        try {
            generator = Class.forName(LOAD_GENERATOR, true, BenchCommand.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return KeyCommand.error(err, "not_built", "the load generator (" + LOAD_GENERATOR + ", module dynamo-bench)"
                    + " is not on the class path; build it with: mvn -B -q -DskipTests install");
        }
        String[] argv = args.toArray(new String[0]);
        try {
            // preferred: a run method that returns the exit code instead of exiting the JVM
            Method run = entryPoint(generator, "run", int.class);
            if (run != null) {
                return (Integer) run.invoke(null, (Object) argv);
            }
            Method main = entryPoint(generator, "main", void.class);
            if (main != null) {
                main.invoke(null, (Object) argv);
                return ExitCodes.OK;
            }
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw e;
        }
        return KeyCommand.error(err, "not_built", LOAD_GENERATOR + " has no 'public static int run(String[])' nor"
                + " 'public static void main(String[])'");
    }

    private static Method entryPoint(Class<?> type, String name, Class<?> returns) {
        try {
            Method m = type.getMethod(name, String[].class);
            return Modifier.isStatic(m.getModifiers()) && m.getReturnType() == returns ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
