package dev.dynamo.server.cli;

import dev.dynamo.security.ClusterCredentials;
import dev.dynamo.security.NodeSpec;
import dev.dynamo.security.auth.Credentials;
import dev.dynamo.security.auth.CredentialsException;
import dev.dynamo.security.auth.CredentialsWriter;
import dev.dynamo.security.auth.Principal;
import dev.dynamo.security.auth.Role;
import dev.dynamo.security.io.SecureFiles;
import dev.dynamo.security.tls.PeerKind;
import dev.dynamo.security.tls.TlsFiles;
import dev.dynamo.security.tls.TlsMaterial;
import dev.dynamo.security.tls.TlsMaterialException;
import dev.dynamo.security.tls.UntrustedPeerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The TLS and password material of {@code dynamo local --secure}, all in one directory
 * ({@code <cluster dir>/secure}): the cluster CA, a certificate for every node and one for the
 * command line's client ({@link ClusterCredentials}, as {@code dynamo certs} writes them), an HTTP
 * credentials file with the user {@value #ADMIN}, and that user's random password in a file of its
 * own, readable by its owner only. The password is never printed: commands read it from the file.
 *
 * <p>{@link #prepare} creates what is missing and reuses what an earlier run left, after checking
 * that it belongs together (every certificate signed by the CA there, naming its node, the password
 * matching the credentials file). Anything else fails, naming the file: material of two runs is
 * never mixed.
 *
 * <pre>{@code
 * LocalSecurity security = LocalSecurity.prepare(dir, List.of("n1", "n2", "n3"), Clock.systemUTC());
 * Map<String, String> settings = security.nodeSettings("n1"); // tls.*, http.tls, http.auth.file
 * }</pre>
 *
 * @param dir     the directory of the material
 * @param nodeIds the nodes with a certificate here
 * @param created whether this run created the material (false: reused from an earlier run)
 */
record LocalSecurity(Path dir, List<String> nodeIds, boolean created) {
    /** The directory under the cluster's directory. */
    static final String DIR = "secure";
    /** The client certificate's name, for the command line and applications. */
    static final String CLIENT = "client";
    /** The HTTP user created. */
    static final String ADMIN = "admin";
    /** Cluster operations and every table: what someone trying the cluster out needs. */
    static final Set<Role> ADMIN_ROLES = Set.of(Role.admin(), Role.write(Role.ALL_TABLES));
    static final String USERS_FILE = "http-users";
    static final String PASSWORD_FILE = "admin.password";
    /** Long enough that a local cluster kept with --data-dir is not surprised by an expiry soon. */
    static final Duration VALIDITY = Duration.ofDays(825);
    /** The addresses the node certificates name: the cluster listens on 127.0.0.1, and clients may say localhost. */
    static final List<String> HOSTS = List.of(LocalCluster.HOST, "localhost");
    /** 18 random bytes: 144 bits, 24 characters of URL-safe Base64. */
    private static final int PASSWORD_BYTES = 18;

    LocalSecurity {
        nodeIds = List.copyOf(nodeIds);
    }

    /** The material's directory for a cluster in {@code clusterDir}. */
    static Path dirOf(Path clusterDir) {
        return clusterDir.resolve(DIR);
    }

    Path caCertificate() {
        return dir.resolve(ClusterCredentials.CA_CERTIFICATE);
    }

    Path caKey() {
        return dir.resolve(ClusterCredentials.CA_KEY);
    }

    TlsFiles node(String id) {
        return files(dir, id);
    }

    TlsFiles client() {
        return files(dir, CLIENT);
    }

    Path users() {
        return dir.resolve(USERS_FILE);
    }

    Path passwordFile() {
        return dir.resolve(PASSWORD_FILE);
    }

    /** The {@code node.properties} settings that switch everything on for node {@code id}. */
    Map<String, String> nodeSettings(String id) {
        TlsFiles files = node(id);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("tls.cert", files.certificate().toString());
        settings.put("tls.key", files.privateKey().toString());
        settings.put("tls.ca", files.ca().toString());
        settings.put("http.tls", "true");
        settings.put("http.auth.file", users().toString());
        return settings;
    }

    /** The {@code node.properties} keys {@link #nodeSettings} sets, which {@code --set} may not set too. */
    static boolean isOwnSetting(String key) {
        return key.startsWith("tls.") || key.equals("http.tls") || key.startsWith("http.auth.");
    }

    private static TlsFiles files(Path dir, String name) {
        return new TlsFiles(dir.resolve(name + ".pem"), dir.resolve(name + "-key.pem"),
                dir.resolve(ClusterCredentials.CA_CERTIFICATE));
    }

    /**
     * Creates the material of a cluster of {@code nodeIds} in {@code dirOf(clusterDir)}, or reuses
     * what is there: a CA left by an earlier run issues the certificates that are missing (a
     * cluster grown with {@code --nodes}), and everything there is checked.
     *
     * @throws IllegalStateException naming the file and what is wrong with it, when what is there
     *                               does not belong together; nothing is written then
     * @throws IOException           when the directory cannot be written
     */
    static LocalSecurity prepare(Path clusterDir, List<String> nodeIds, Clock clock) throws IOException {
        Path dir = dirOf(clusterDir).toAbsolutePath().normalize();
        List<String> names = new ArrayList<>(nodeIds);
        names.add(CLIENT);
        boolean caThere = Files.exists(dir.resolve(ClusterCredentials.CA_CERTIFICATE));
        boolean caKeyThere = Files.exists(dir.resolve(ClusterCredentials.CA_KEY));
        boolean usersThere = Files.exists(dir.resolve(USERS_FILE));
        boolean passwordThere = Files.exists(dir.resolve(PASSWORD_FILE));
        if (usersThere != passwordThere) {
            throw mixed(dir, (usersThere ? USERS_FILE : PASSWORD_FILE) + " is there but not "
                    + (usersThere ? PASSWORD_FILE : USERS_FILE));
        }
        if (caThere != caKeyThere) {
            throw mixed(dir, (caThere ? ClusterCredentials.CA_CERTIFICATE : ClusterCredentials.CA_KEY)
                    + " is there but not " + (caThere ? ClusterCredentials.CA_KEY : ClusterCredentials.CA_CERTIFICATE));
        }
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            TlsFiles f = files(dir, name);
            boolean cert = Files.exists(f.certificate());
            boolean key = Files.exists(f.privateKey());
            if (cert != key) {
                throw mixed(dir, (cert ? f.certificate() : f.privateKey()).getFileName() + " is there but not "
                        + (cert ? f.privateKey() : f.certificate()).getFileName());
            }
            if (!cert) {
                missing.add(name);
            } else if (!caThere) {
                throw mixed(dir, f.certificate().getFileName() + " is there but no " + ClusterCredentials.CA_CERTIFICATE
                        + " that signed it");
            }
        }
        if (!caThere && usersThere) {
            throw mixed(dir, USERS_FILE + " is there but no " + ClusterCredentials.CA_CERTIFICATE);
        }
        boolean created = !caThere;
        LocalSecurity security = new LocalSecurity(dir, nodeIds, created);
        if (created) {
            if (!Files.exists(dir)) {
                // the keys are owner-only already; an owner-only directory also hides which files there are
                Files.createDirectories(dir.getParent());
                if (SecureFiles.supportsPosix(dir.getParent())) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                }
            }
            ClusterCredentials.create(dir, nodeSpecs(nodeIds), List.of(CLIENT), VALIDITY, clock);
        } else {
            // what is there is checked before anything is added, so a refusal leaves the directory as it was
            security.checkCertificates(names.stream().filter(n -> !missing.contains(n)).toList(), clock);
            if (usersThere) {
                security.checkPassword();
            }
            if (!missing.isEmpty()) {
                issueMissing(dir, nodeIds, missing, clock);
            }
        }
        security.checkCertificates(created ? names : missing, clock);
        if (!usersThere) {
            security.createAdmin();
        }
        return security;
    }

    private static List<NodeSpec> nodeSpecs(List<String> ids) {
        return ids.stream().map(id -> new NodeSpec(id, HOSTS)).toList();
    }

    private static void issueMissing(Path dir, List<String> nodeIds, List<String> missing, Clock clock)
            throws IOException {
        List<String> nodes = nodeIds.stream().filter(missing::contains).toList();
        List<String> clients = missing.contains(CLIENT) ? List.of(CLIENT) : List.of();
        try {
            // as long as the CA lasts: a certificate may not outlive its CA
            ClusterCredentials.extendWithinCa(dir, nodeSpecs(nodes), clients, VALIDITY, clock);
        } catch (TlsMaterialException | IllegalArgumentException e) {
            throw mixed(dir, "the CA there cannot issue the missing certificates of " + String.join(", ", missing)
                    + ": " + e.getMessage());
        }
    }

    /** The certificates of {@code names} load with their keys, chain to the CA here and name their owner. */
    private void checkCertificates(List<String> names, Clock clock) {
        for (String name : names) {
            if (CLIENT.equals(name)) {
                TlsMaterial client = load(client(), clock);
                if (client.identity().kind() != PeerKind.CLIENT || !CLIENT.equals(client.identity().name())) {
                    throw mixed(dir, client().certificate().getFileName() + " is not the client certificate CN="
                            + CLIENT + ", OU=client");
                }
                continue;
            }
            TlsMaterial m = load(node(name), clock);
            try {
                m.identity().requireNode(name);
            } catch (UntrustedPeerException e) {
                throw mixed(dir, node(name).certificate().getFileName() + " is not node " + name + "'s: "
                        + e.getMessage());
            }
        }
    }

    private TlsMaterial load(TlsFiles files, Clock clock) {
        try {
            return TlsMaterial.load(files, clock);
        } catch (TlsMaterialException e) {
            throw mixed(dir, e.getMessage());
        }
    }

    /** The password file's first line is the password of {@value #ADMIN} in the credentials file. */
    private void checkPassword() throws IOException {
        String password = Files.readAllLines(passwordFile(), StandardCharsets.UTF_8).stream().findFirst().orElse("");
        Optional<Principal> admin;
        try {
            admin = password.isEmpty() ? Optional.empty() : Credentials.load(users(), 0).verify(ADMIN, password);
        } catch (CredentialsException e) {
            throw mixed(dir, e.getMessage());
        }
        if (admin.isEmpty()) {
            throw mixed(dir, PASSWORD_FILE + " does not hold the password of user '" + ADMIN + "' in " + USERS_FILE);
        }
    }

    /** A random password, its hash in the credentials file, the password itself owner-only in its file. */
    private void createAdmin() throws IOException {
        byte[] random = new byte[PASSWORD_BYTES];
        new SecureRandom().nextBytes(random);
        char[] password = Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
        Arrays.fill(random, (byte) 0);
        byte[] line = (new String(password) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            // the password file first: a run stopped in between leaves it without users, which fails clearly
            SecureFiles.write(passwordFile(), line, SecureFiles.Visibility.OWNER_ONLY);
            CredentialsWriter.putUser(users(), ADMIN, new LinkedHashSet<>(ADMIN_ROLES), password);
        } catch (CredentialsException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            Arrays.fill(password, '\0');
            Arrays.fill(line, (byte) 0);
        }
    }

    private static IllegalStateException mixed(Path dir, String problem) {
        return new IllegalStateException(dir + " holds material that cannot be reused: " + problem
                + ". 'local --secure' never mixes material of different runs: move " + dir + " away (or delete it)"
                + " to create new certificates and a new password, or use another --data-dir");
    }
}
