package dev.dynamo.security;

import dev.dynamo.security.tls.CertificateAuthority;
import dev.dynamo.security.tls.IssuedCertificate;
import dev.dynamo.security.tls.Names;
import dev.dynamo.security.tls.TlsFiles;
import dev.dynamo.security.tls.TlsMaterialException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a whole cluster's TLS files into one directory in one call, the work behind a
 * {@code certs} command: the CA ({@code ca.pem}, {@code ca-key.pem}), and for each node and client
 * its certificate ({@code <name>.pem}) and key ({@code <name>-key.pem}, owner-only). Nothing is
 * overwritten: if any of the files exists, nothing is written. Hand each node its own two files
 * and {@code ca.pem}; keep {@code ca-key.pem} off the nodes.
 *
 * <pre>{@code
 * ClusterCredentials written = ClusterCredentials.create(Path.of("certs"),
 *         List.of(new NodeSpec("n1", List.of("10.0.0.1")), new NodeSpec("n2", List.of("10.0.0.2"))),
 *         List.of("billing"), Duration.ofDays(365));
 * TlsFiles n1 = written.node("n1");          // tls.cert, tls.key, tls.ca for n1's node.properties
 * // a year later, or for a new node, from the same CA:
 * ClusterCredentials.extend(Path.of("certs"), List.of(new NodeSpec("n3", List.of("10.0.0.3"))), List.of(),
 *         Duration.ofDays(365), Clock.systemUTC());
 * }</pre>
 */
public final class ClusterCredentials {
    /** The CA certificate's file name. */
    public static final String CA_CERTIFICATE = "ca.pem";
    /** The CA key's file name. */
    public static final String CA_KEY = "ca-key.pem";
    /** The CA's common name. */
    public static final String CA_NAME = "dynamo cluster CA";

    private final Path dir;
    private final Map<String, TlsFiles> nodes;
    private final Map<String, TlsFiles> clients;
    private final List<Path> written;

    private ClusterCredentials(Path dir, Map<String, TlsFiles> nodes, Map<String, TlsFiles> clients, List<Path> written) {
        this.dir = dir;
        this.nodes = Map.copyOf(nodes);
        this.clients = Map.copyOf(clients);
        this.written = List.copyOf(written);
    }

    /** {@link #create(Path, List, List, Duration, Clock)} with the system clock. */
    public static ClusterCredentials create(Path dir, List<NodeSpec> nodes, List<String> clients, Duration validity)
            throws IOException {
        return create(dir, nodes, clients, validity, Clock.systemUTC());
    }

    /**
     * Creates a new CA valid for {@code validity} and issues every node and client a certificate
     * valid as long, all written to {@code dir} (created if missing).
     *
     * @throws IllegalArgumentException   if a name is invalid, repeated (node and client names
     *                                    share one namespace, as they share file names), or "ca"
     * @throws FileAlreadyExistsException naming the first file that exists; nothing is written then
     */
    public static ClusterCredentials create(Path dir, List<NodeSpec> nodes, List<String> clients, Duration validity,
            Clock clock) throws IOException {
        List<Path> targets = targets(dir, nodes, clients);
        targets.add(0, dir.resolve(CA_CERTIFICATE));
        targets.add(1, dir.resolve(CA_KEY));
        refuseExisting(targets);
        // one instant for the whole set, so nodes issued with the CA's validity end when the CA does, not a second later
        Clock batch = Clock.fixed(clock.instant(), ZoneOffset.UTC);
        CertificateAuthority ca = CertificateAuthority.create(CA_NAME, validity, batch);
        Issued issued = Issued.by(ca, nodes, clients, validity);
        Files.createDirectories(dir);
        ca.credentials().writeTo(dir.resolve(CA_CERTIFICATE), dir.resolve(CA_KEY));
        List<Path> written = new ArrayList<>(List.of(dir.resolve(CA_CERTIFICATE), dir.resolve(CA_KEY)));
        return issued.writeTo(dir, written);
    }

    /**
     * Issues certificates for more nodes or clients (or, after their old files are moved away,
     * renewed ones) from the CA already in {@code dir}.
     *
     * @throws TlsMaterialException       if {@code ca.pem} or {@code ca-key.pem} cannot be loaded
     * @throws IllegalArgumentException   as {@link #create}, or if a certificate would outlive the CA
     * @throws FileAlreadyExistsException naming the first file that exists; nothing is written then
     */
    public static ClusterCredentials extend(Path dir, List<NodeSpec> nodes, List<String> clients, Duration validity,
            Clock clock) throws IOException, TlsMaterialException {
        refuseExisting(targets(dir, nodes, clients));
        CertificateAuthority ca = CertificateAuthority.load(dir.resolve(CA_CERTIFICATE), dir.resolve(CA_KEY), clock);
        return Issued.by(ca, nodes, clients, validity).writeTo(dir, new ArrayList<>());
    }

    /**
     * As {@link #extend}, with each certificate valid for {@code maxValidity} or until the CA
     * expires, whichever comes first: what {@code bin/dynamo certs --extend} does without
     * {@code --days}, since a CA and its first certificates are made with the same default
     * validity and a later certificate of that length would outlive the CA.
     *
     * @throws IllegalArgumentException as {@link #create}, or if the CA has expired
     */
    public static ClusterCredentials extendWithinCa(Path dir, List<NodeSpec> nodes, List<String> clients,
            Duration maxValidity, Clock clock) throws IOException, TlsMaterialException {
        refuseExisting(targets(dir, nodes, clients));
        // one instant for measuring what is left and for issuing, or a second between them would outlive the CA
        Clock now = Clock.fixed(clock.instant(), ZoneOffset.UTC);
        CertificateAuthority ca = CertificateAuthority.load(dir.resolve(CA_CERTIFICATE), dir.resolve(CA_KEY), now);
        Duration left = ca.remainingValidity();
        if (left.isNegative() || left.isZero()) {
            throw new IllegalArgumentException("the CA in " + dir + " has expired (" + ca.certificate().getNotAfter()
                    .toInstant() + "): create a new CA and certificates for every node and client");
        }
        Duration validity = maxValidity.compareTo(left) < 0 ? maxValidity : left;
        return Issued.by(ca, nodes, clients, validity).writeTo(dir, new ArrayList<>());
    }

    /** The directory written to. */
    public Path dir() {
        return dir;
    }

    /** The CA certificate: every node's and client's {@code tls.ca}. */
    public Path caCertificate() {
        return dir.resolve(CA_CERTIFICATE);
    }

    /** The CA key: keep it off the nodes. */
    public Path caKey() {
        return dir.resolve(CA_KEY);
    }

    /** A node's three files, as {@code tls.cert}, {@code tls.key} and {@code tls.ca}. */
    public TlsFiles node(String nodeId) {
        TlsFiles files = nodes.get(nodeId);
        if (files == null) {
            throw new IllegalArgumentException("no certificate was issued here for node '" + nodeId + "'");
        }
        return files;
    }

    /** A client's three files. */
    public TlsFiles client(String name) {
        TlsFiles files = clients.get(name);
        if (files == null) {
            throw new IllegalArgumentException("no certificate was issued here for client '" + name + "'");
        }
        return files;
    }

    /** Every file written, in writing order. */
    public List<Path> written() {
        return written;
    }

    /** Certificates issued in memory, so that a bad host name or validity fails before the first file appears. */
    private record Issued(Map<String, IssuedCertificate> nodes, Map<String, IssuedCertificate> clients) {

        static Issued by(CertificateAuthority ca, List<NodeSpec> nodes, List<String> clients, Duration validity) {
            Map<String, IssuedCertificate> nodeCerts = new LinkedHashMap<>();
            for (NodeSpec node : nodes) {
                nodeCerts.put(node.nodeId(), ca.issueNode(node.nodeId(), node.hosts(), validity));
            }
            Map<String, IssuedCertificate> clientCerts = new LinkedHashMap<>();
            for (String client : clients) {
                clientCerts.put(client, ca.issueClient(client, validity));
            }
            return new Issued(nodeCerts, clientCerts);
        }

        ClusterCredentials writeTo(Path dir, List<Path> written) throws IOException {
            return new ClusterCredentials(dir, write(dir, nodes, written), write(dir, clients, written), written);
        }

        private static Map<String, TlsFiles> write(Path dir, Map<String, IssuedCertificate> issued, List<Path> written)
                throws IOException {
            Map<String, TlsFiles> files = new LinkedHashMap<>();
            for (Map.Entry<String, IssuedCertificate> e : issued.entrySet()) {
                TlsFiles f = new TlsFiles(dir.resolve(e.getKey() + ".pem"), dir.resolve(e.getKey() + "-key.pem"),
                        dir.resolve(CA_CERTIFICATE));
                e.getValue().writeTo(f.certificate(), f.privateKey());
                written.add(f.certificate());
                written.add(f.privateKey());
                files.put(e.getKey(), f);
            }
            return files;
        }
    }

    /** The files the nodes and clients would get; checks the names on the way. */
    private static List<Path> targets(Path dir, List<NodeSpec> nodes, List<String> clients) {
        Set<String> names = new HashSet<>();
        List<String> all = new ArrayList<>();
        nodes.forEach(n -> all.add(n.nodeId()));
        all.addAll(clients);
        List<Path> targets = new ArrayList<>();
        for (String name : all) {
            Names.require(name, "node or client name");
            if (name.equals("ca")) {
                throw new IllegalArgumentException("'ca' is taken by the CA's own files; choose another name");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("'" + name + "' is given twice (node ids and client names share"
                        + " file names, so they must all differ)");
            }
            targets.add(dir.resolve(name + ".pem"));
            targets.add(dir.resolve(name + "-key.pem"));
        }
        return targets;
    }

    private static void refuseExisting(List<Path> targets) throws FileAlreadyExistsException {
        for (Path target : targets) {
            if (Files.exists(target)) {
                throw new FileAlreadyExistsException(target.toString(), null,
                        "already exists; nothing was written (move old files away to renew them)");
            }
        }
    }
}
