package dev.dynamo.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class MainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private CommandLine cli() {
        return Main.commandLine(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                new PrintWriter(err, true));
    }

    /** The sub-command object after parsing {@code args}. */
    private Object parse(String... args) {
        ParseResult result = cli().parseArgs(args);
        return result.subcommand().commandSpec().userObject();
    }

    private int run(String... args) {
        return cli().execute(args);
    }

    @Test
    void serverNeedsAConfDir() {
        ServerCommand s = assertInstanceOf(ServerCommand.class, parse("server", "--conf", "conf/example"));
        assertEquals(Path.of("conf/example"), s.conf);
        assertNull(s.parentPid);

        assertEquals(2, run("server"));
        assertTrue(err.toString().contains("Missing required option: '--conf=DIR'"), err.toString());
    }

    @Test
    void serverReportsAMissingConfDir() {
        assertEquals(2, run("server", "--conf", "/nonexistent/conf"));
        assertEquals("error: bad configuration: /nonexistent/conf: configuration directory not found (expected"
                + " node.properties and tables/<table>.properties inside)\n", err.toString());
    }

    @Test
    void localDefaults() {
        LocalCommand l = assertInstanceOf(LocalCommand.class, parse("local"));
        assertEquals(3, l.nodes);
        assertEquals(8080, l.basePort);
        assertNull(l.dataDir);
        assertEquals(60, l.waitSeconds);
        assertEquals(30, l.stopSeconds);

        l = assertInstanceOf(LocalCommand.class, parse("local", "--nodes", "5", "--base-port", "9000", "--data-dir",
                "/tmp/x"));
        assertEquals(5, l.nodes);
        assertEquals(9000, l.basePort);
        assertEquals(Path.of("/tmp/x"), l.dataDir);
    }

    @Test
    void localRejectsBadNumbersBeforeStartingAnything() {
        assertEquals(2, run("local", "--base-port", "500"));
        assertTrue(err.toString().contains("--base-port must be between 1000 and 65532 for 3 node(s)"), err.toString());
        assertEquals(2, run("local", "--nodes", "0"));
        assertTrue(err.toString().contains("--nodes must be between 1 and 64, was 0"), err.toString());
        assertEquals(2, run("local", "--nodes", "three"));
        assertTrue(err.toString().contains("Invalid value for option '--nodes'"), err.toString());
    }

    @Test
    void getPutDeleteOptions() {
        GetCommand g = assertInstanceOf(GetCommand.class, parse("get", "--table", "cart", "k"));
        assertEquals("cart", g.table);
        assertEquals("k", g.key);
        assertEquals(List.of("127.0.0.1:7081"), g.seeds);
        assertNull(g.r);
        assertNull(g.timeoutMillis);

        g = assertInstanceOf(GetCommand.class, parse("get", "-t", "cart", "--seed", "h1:1,h2:2", "--seed", "h3:3",
                "--r", "1", "--timeout-ms", "700", "k"));
        assertEquals(List.of("h1:1", "h2:2", "h3:3"), g.seeds);
        assertEquals(1, g.r);
        assertEquals(700L, g.timeoutMillis);

        PutCommand p = assertInstanceOf(PutCommand.class, parse("put", "--table", "t", "k", "v"));
        assertEquals("v", p.value);
        assertNull(p.context);
        p = assertInstanceOf(PutCommand.class, parse("put", "--table", "t", "--context", "AQID", "--w", "3", "k"));
        assertNull(p.value, "absent VALUE: read standard input");
        assertEquals("AQID", p.context);
        assertEquals(3, p.w);

        DeleteCommand d = assertInstanceOf(DeleteCommand.class, parse("delete", "--table", "t", "--context", "AQ",
                "k"));
        assertEquals("k", d.key);
        assertEquals("AQ", d.context);
    }

    @Test
    void keyCommandsNeedATableAndAKey() {
        assertEquals(2, run("get", "k"));
        assertTrue(err.toString().contains("Missing required option: '--table=TABLE'"), err.toString());
        assertEquals(2, run("put", "--table", "t"));
        assertTrue(err.toString().contains("Missing required parameter: 'KEY'"), err.toString());
        assertEquals(2, run("delete", "--table", "t", "k", "extra"));
        assertTrue(err.toString().contains("Unmatched argument"), err.toString());
    }

    @Test
    void unreachableSeedIsAnError() {
        // port 1 on loopback: nothing listens, the connection is refused at once
        assertEquals(2, run("get", "--table", "t", "--seed", "127.0.0.1:1", "k"));
        assertTrue(err.toString().startsWith("error "), err.toString());
    }

    @Test
    void tlsOptionsGoTogetherAndNameAMissingFile() {
        assertEquals(2, run("get", "--table", "t", "--tls-cert", "app.pem", "k"));
        assertTrue(err.toString().startsWith("error bad_request: --tls-cert, --tls-key and --tls-ca go together"),
                err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("put", "--table", "t", "--tls-cert", "app.pem", "--tls-key", "app-key.pem", "--tls-ca",
                "no-such-ca.pem", "k", "v"));
        assertTrue(err.toString().startsWith("error bad_request: tls.ca no-such-ca.pem"), err.toString());
    }

    @Test
    void malformedSeed() {
        assertEquals(2, run("get", "--table", "t", "--seed", "no-port", "k"));
        assertTrue(err.toString().startsWith("error bad_request: "), err.toString());
    }

    @Test
    void statusDefaults() {
        StatusCommand s = assertInstanceOf(StatusCommand.class, parse("status"));
        assertEquals("127.0.0.1:8081", s.http);
        assertEquals(2000, s.timeoutMillis);
    }

    @Test
    void benchPassesEveryArgumentThrough() {
        BenchCommand b = assertInstanceOf(BenchCommand.class, parse("bench", "--threads", "4", "--help", "x"));
        assertEquals(List.of("--threads", "4", "--help", "x"), b.args);
    }

    @Test
    void noCommandPrintsUsage() {
        assertEquals(2, run());
        assertTrue(err.toString().contains("Usage: dynamo"), err.toString());
        for (String command : List.of("server", "local", "get", "put", "delete", "status", "bench")) {
            assertTrue(err.toString().contains(command), command);
        }
    }

    @Test
    void helpAndVersion() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("Exit codes:"), out.toString());
        assertEquals(0, run("--version"));
        assertTrue(out.toString().contains("dynamo "), out.toString());
        assertEquals(0, run("local", "--help"));
        assertTrue(out.toString().contains("--base-port"), out.toString());
    }

    @Test
    void unknownCommand() {
        assertEquals(2, run("launch"));
        assertTrue(err.toString().contains("Unmatched argument at index 0: 'launch'"), err.toString());
    }
}
