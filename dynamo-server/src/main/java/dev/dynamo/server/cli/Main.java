package dev.dynamo.server.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code dynamo} command line ({@code bin/dynamo}): run a node, run a local cluster,
 * send one request, show the cluster's status, run the load generator. This class is the
 * only place of the project that calls {@link System#exit}.
 *
 * <pre>
 * bin/dynamo server --conf conf/example
 * bin/dynamo local --nodes 3
 * bin/dynamo put --table default greeting hello
 * bin/dynamo get --table default greeting
 * bin/dynamo status
 * bin/dynamo repair --table default
 * bin/dynamo join --http 127.0.0.1:8084 --seed 127.0.0.1:7081
 * bin/dynamo certs --dir certs --node n1=10.0.0.1 --node n2=10.0.0.2 --client app
 * bin/dynamo users add --file conf/users --name alice --roles admin,read:*   (password on stdin)
 * DYNAMO_PASSWORD=... bin/dynamo status --http https://10.0.0.1:8081 --cacert certs/ca.pem --user alice
 * </pre>
 *
 * Exit codes: {@value ExitCodes#OK} success, {@value ExitCodes#NOT_FOUND} key not found
 * (get) or a node down (status), {@value ExitCodes#ERROR} any error, with its docs/http-api.md
 * error code on stderr.
 */
@Command(name = "dynamo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A Dynamo-style key-value store.",
        subcommands = {ServerCommand.class, LocalCommand.class, GetCommand.class, PutCommand.class,
                DeleteCommand.class, StatusCommand.class, RepairCommand.class, MembershipCommand.Join.class,
                MembershipCommand.Leave.class, MembershipCommand.Remove.class, CertsCommand.class, UsersCommand.class,
                BackupCommand.class, RestoreCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:get: key not found; status: some node is down",
                        "2:error (its error code, listed in docs/http-api.md, is printed to stderr) or bad usage"})
public final class Main implements Callable<Integer> {

    private static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    /** What put reads its value from when none is given on the command line, and users add its password. */
    private final InputStream stdin;
    /** The environment: where the HTTP commands find {@code DYNAMO_PASSWORD}. */
    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    public Main() {
        this(System.in, System.getenv());
    }

    Main(InputStream stdin, Map<String, String> env) {
        this.stdin = stdin;
        this.env = Map.copyOf(env);
    }

    InputStream stdin() {
        return stdin;
    }

    /** Whether standard input is the terminal's, so a password can be asked for without echo. */
    boolean interactive() {
        return stdin == System.in && System.console() != null;
    }

    /** An environment variable, or null. */
    String env(String name) {
        return env.get(name);
    }

    public static void main(String[] args) {
        if (args.length == 0 || !"server".equals(args[0])) {
            // a node logs at INFO; one-shot commands keep stderr for their own output and errors
            // (before the first logger exists: slf4j-simple reads this once)
            if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
                System.setProperty(LOG_LEVEL_PROPERTY, "warn");
            }
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = run(System.in, out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line and returns its exit code; never exits the JVM (tests call this). */
    public static int run(InputStream stdin, PrintWriter out, PrintWriter err, String... args) {
        return run(stdin, System.getenv(), out, err, args);
    }

    /** {@link #run(InputStream, PrintWriter, PrintWriter, String...)} with the given environment. */
    public static int run(InputStream stdin, Map<String, String> env, PrintWriter out, PrintWriter err,
                          String... args) {
        return commandLine(stdin, env, out, err).execute(args);
    }

    /** The configured parser, for {@link #run} and for tests that only parse. */
    static CommandLine commandLine(InputStream stdin, PrintWriter out, PrintWriter err) {
        return commandLine(stdin, System.getenv(), out, err);
    }

    static CommandLine commandLine(InputStream stdin, Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main(stdin, env));
        cl.setOut(out);
        cl.setErr(err);
        // bad usage exits with picocli's USAGE code, which is our ERROR (2); failures go through the handler
        // bench passes its options through to the load generator untouched
        cl.getSubcommands().get("bench").setUnmatchedOptionsArePositionalParams(true);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // an unexpected failure: one line for the operator, the stack trace only if asked
            commandLine.getErr().println("error: " + e);
            if (Boolean.getBoolean("dynamo.debug")) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return ExitCodes.ERROR;
        });
        return cl;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.ERROR;
    }

    /** The version from the jar manifest (absent when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"dynamo " + (v == null ? "(development build)" : v)};
        }
    }
}
