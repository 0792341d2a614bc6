package dev.dynamo.server.cli;

import dev.dynamo.security.tls.Pem;
import dev.dynamo.security.tls.TlsMaterialException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Option;

/**
 * Options of the commands that call a node's HTTP API ({@code status}, {@code repair},
 * {@code join}, {@code leave}, {@code remove}): the user, where its password comes from, and the
 * CA for {@code https://}. A picocli mixin, so every such command spells them the same way.
 * There is deliberately no option that takes the password itself: other users of the machine
 * see command lines in {@code ps}.
 *
 * <pre>
 * DYNAMO_PASSWORD=... bin/dynamo status --http https://10.0.0.1:8081 --cacert certs/ca.pem --user alice
 * bin/dynamo repair --user alice --password-file ~/.dynamo-password
 * </pre>
 */
final class HttpAccessOptions {
    /** The environment variable holding the password of {@code --user}. */
    static final String PASSWORD_ENV = "DYNAMO_PASSWORD";

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    @Option(names = "--user", paramLabel = "NAME",
            description = "HTTP user of the node's credentials file (http.auth.file); the password comes from the"
                    + " environment variable " + PASSWORD_ENV + " or from --password-file.")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File whose first line is the password of --user (there is no option for the password"
                    + " itself: command lines show in ps).")
    Path passwordFile;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "PEM CA certificate(s) to trust for https:// (the cluster's ca.pem); addresses without"
                    + " a scheme then use https.")
    Path caCert;

    /**
     * How to reach {@code http} (the command's {@code --http}) and the nodes it names.
     *
     * @param env  where {@value #PASSWORD_ENV} is looked up
     * @param err  for a warning when a password would go over plain HTTP to another host
     * @throws IllegalArgumentException naming the option and the problem (no password, unreadable files)
     */
    HttpAccess access(String http, Main env, PrintWriter err) {
        String scheme = http.startsWith("https://") ? "https" : http.startsWith("http://") ? "http"
                : caCert != null ? "https" : "http";
        SSLContext tls = caCert == null ? null : trusting(caCert);
        if (user == null) {
            if (passwordFile != null) {
                throw new IllegalArgumentException("--password-file needs --user NAME");
            }
            return new HttpAccess(scheme, null, null, tls);
        }
        String password = password(env);
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        if ("http".equals(scheme)) {
            String host = AdminHttp.uri(http, "/", scheme).getHost();
            if (host != null && !LOOPBACK.contains(host)) {
                err.println("warning: the password of '" + user + "' goes over plain HTTP to " + host
                        + "; use https:// (with --cacert) where the node serves HTTPS");
                err.flush();
            }
        }
        return new HttpAccess(scheme, user, "Basic " + token, tls);
    }

    private String password(Main env) {
        if (passwordFile != null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("--password-file " + passwordFile + ": cannot be read ("
                        + e.getClass().getSimpleName() + ")", e);
            }
            if (lines.isEmpty() || lines.get(0).isEmpty()) {
                throw new IllegalArgumentException("--password-file " + passwordFile + ": the first line (the"
                        + " password) is empty");
            }
            return lines.get(0);
        }
        String fromEnv = env.env(PASSWORD_ENV);
        if (fromEnv == null || fromEnv.isEmpty()) {
            throw new IllegalArgumentException("--user " + user + " needs a password: set the environment variable "
                    + PASSWORD_ENV + " or give --password-file FILE");
        }
        return fromEnv;
    }

    /** A TLS context that trusts the certificates of {@code file} and nothing else. */
    static SSLContext trusting(Path file) {
        List<X509Certificate> cas;
        try {
            cas = Pem.readCertificates(file);
        } catch (TlsMaterialException e) {
            throw new IllegalArgumentException("--cacert: " + e.getMessage(), e);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("--cacert " + file + ": cannot be used as a trust store: "
                    + e.getMessage(), e);
        }
    }
}
