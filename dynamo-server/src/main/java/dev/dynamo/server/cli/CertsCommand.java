package dev.dynamo.server.cli;

import dev.dynamo.security.ClusterCredentials;
import dev.dynamo.security.NodeSpec;
import dev.dynamo.security.tls.TlsMaterialException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dynamo certs}: creates a cluster CA and the certificates of its nodes and clients
 * (docs/security.md, "Creating certificates"), or with {@code --extend} issues more from the CA
 * already in the directory. Nothing is overwritten: if any target file exists, nothing is written.
 *
 * <pre>
 * bin/dynamo certs --dir certs --node n1=10.0.0.1,n1.db.example.org --node n2=10.0.0.2 --client app
 * bin/dynamo certs --dir certs --extend --node n3=10.0.0.3
 * </pre>
 */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = {"Creates the cluster's CA (ca.pem, ca-key.pem) and a certificate and key for each node"
                       + " (<id>.pem, <id>-key.pem) and client in --dir; with --extend, issues more from the CA"
                       + " already there. Keys are written owner-only (0600). Nothing is overwritten.",
                       "Give each node its two files and ca.pem (tls.cert, tls.key, tls.ca); keep ca-key.pem off"
                       + " the nodes."})
final class CertsCommand implements Callable<Integer> {

    @Option(names = "--dir", required = true, paramLabel = "DIR",
            description = "Directory of the CA and the certificates (created if missing).")
    Path dir;

    @Option(names = "--node", paramLabel = "ID=HOST[,HOST...]",
            description = "A node: its id and every address other nodes and HTTPS clients reach it by (IP addresses"
                    + " and DNS names; they go into the certificate). Repeat for each node.")
    List<String> nodes = new ArrayList<>();

    @Option(names = "--client", paramLabel = "NAME",
            description = "A client application of the binary port. Repeat for each client.")
    List<String> clients = new ArrayList<>();

    /** The validity when {@code --days} is not given (with {@code --extend}: at most until the CA expires). */
    private static final long DEFAULT_DAYS = 365;

    @Option(names = "--days", paramLabel = "D",
            description = "Validity in days of every certificate issued (and of a new CA); default 365, and with"
                    + " --extend at most until the CA expires.")
    Long days;

    @Option(names = "--extend",
            description = "Issue from the CA in --dir (ca.pem, ca-key.pem) instead of creating one.")
    boolean extend;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (days != null && (days < 1 || days > 36_500)) {
            return KeyCommand.error(err, "bad_request", "--days must be between 1 and 36500, was " + days);
        }
        if (nodes.isEmpty() && clients.isEmpty()) {
            return KeyCommand.error(err, "bad_request", "name at least one --node ID=HOST[,HOST...] or --client NAME");
        }
        ClusterCredentials written;
        try {
            List<NodeSpec> specs = new ArrayList<>();
            for (String node : nodes) {
                NodeSpec parsed = nodeSpec(node);
                if (parsed.hosts().isEmpty()) {
                    err.println("warning: node " + parsed.nodeId() + " gets a certificate without addresses: TLS clients"
                            + " check the address they dial against it and will refuse it; give --node "
                            + parsed.nodeId() + "=HOST[,HOST...]");
                }
                specs.add(parsed);
            }
            Duration validity = Duration.ofDays(days == null ? DEFAULT_DAYS : days);
            if (!extend) {
                written = ClusterCredentials.create(dir, specs, clients, validity);
            } else if (days == null) {
                written = ClusterCredentials.extendWithinCa(dir, specs, clients, validity, Clock.systemUTC());
            } else {
                // an explicit --days that outlives the CA is refused, naming both dates
                written = ClusterCredentials.extend(dir, specs, clients, validity, Clock.systemUTC());
            }
        } catch (FileAlreadyExistsException e) {
            return KeyCommand.error(err, "exists", e.getFile() + " already exists; nothing was written (move old"
                    + " files away to renew them" + (extend ? "" : ", or add to an existing CA with --extend") + ")");
        } catch (IllegalArgumentException e) {
            return KeyCommand.error(err, "bad_request", e.getMessage());
        } catch (TlsMaterialException e) {
            return KeyCommand.error(err, "bad_ca", e.getMessage() + " (--extend needs the " + ClusterCredentials.CA_CERTIFICATE
                    + " and " + ClusterCredentials.CA_KEY + " that created the cluster in --dir)");
        } catch (IOException e) {
            return KeyCommand.error(err, "io", "cannot write to " + dir + ": " + e);
        }
        for (Path file : written.written()) {
            out.println("wrote " + file);
        }
        if (!extend) {
            out.println("keep " + written.caKey() + " off the nodes: whoever holds it can issue certificates");
        }
        for (String node : nodes) {
            String id = node.contains("=") ? node.substring(0, node.indexOf('=')) : node;
            out.println("node " + id + ": tls.cert = " + written.node(id).certificate() + ", tls.key = "
                    + written.node(id).privateKey() + ", tls.ca = " + written.caCertificate());
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** {@code n1=10.0.0.1,n1.example.org}, or {@code n1} alone for a certificate without addresses. */
    static NodeSpec nodeSpec(String text) {
        int eq = text.indexOf('=');
        String id = eq < 0 ? text : text.substring(0, eq);
        List<String> hosts = new ArrayList<>();
        if (eq >= 0) {
            Arrays.stream(text.substring(eq + 1).split(",")).map(String::trim).filter(h -> !h.isEmpty())
                    .forEach(hosts::add);
        }
        try {
            return new NodeSpec(id, hosts);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--node " + text + ": " + e.getMessage(), e);
        }
    }
}
