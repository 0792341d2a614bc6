package dev.dynamo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The operator commands' view of a node's HTTP API: one JSON document per call, any
 * unexpected status turned into an {@link IOException} that names the path and the
 * node's error message; a {@code 401} or {@code 403} into a {@link Refused} that says what to
 * give (docs/security.md). Addresses without a scheme take the scheme of the command's own
 * {@code --http} ({@code https} with {@code --cacert}), so that the other nodes a command finds
 * in {@code /cluster} are asked the same way.
 *
 * <pre>{@code
 * AdminHttp api = new AdminHttp(5000, HttpAccess.PLAIN);
 * JsonNode cluster = api.get("127.0.0.1:8081", "/cluster");
 * }</pre>
 */
final class AdminHttp {
    private final HttpClient client;
    private final Duration timeout;
    private final HttpAccess access;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * A node refused the request with a typed error: 401 or 403 (the credentials are missing or
     * wrong, or lack the role), or another error code of its JSON answer.
     */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        private final String code;

        Refused(String code, String message) {
            super(message);
            this.code = code;
        }

        /** The error code, e.g. {@code unauthenticated}, {@code forbidden}, {@code bad_request}. */
        String code() {
            return code;
        }
    }

    AdminHttp(long timeoutMillis, HttpAccess access) {
        this.timeout = Duration.ofMillis(timeoutMillis);
        this.access = access;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
        SSLContext tls = access.tls();
        if (tls != null) {
            b.sslContext(tls);
        }
        this.client = b.build();
    }

    /**
     * The HTTP addresses of the nodes a cluster-wide command acts on: every node the one at
     * {@code hostPort} lists in {@code /cluster}, or that node alone with {@code nodeOnly}.
     */
    List<String> nodes(String hostPort, boolean nodeOnly) throws IOException, InterruptedException {
        if (nodeOnly) {
            return List.of(hostPort);
        }
        List<String> nodes = new ArrayList<>();
        for (JsonNode n : get(hostPort, "/cluster").path("nodes")) {
            nodes.add(n.path("address").asText());
        }
        return nodes;
    }

    JsonNode get(String hostPort, String path) throws IOException, InterruptedException {
        return send(request(hostPort, path).GET().build(), path);
    }

    JsonNode post(String hostPort, String path) throws IOException, InterruptedException {
        return send(request(hostPort, path).POST(HttpRequest.BodyPublishers.noBody()).build(), path);
    }

    /** The URL of {@code path} on {@code hostPort} ("host:port", "http://host:port[/]", "https://host:port[/]"). */
    URI uri(String hostPort, String path) {
        return uri(hostPort, path, access.scheme());
    }

    /** Accepts what users paste: "host:port", "http://host:port[/]" or "https://host:port[/]". */
    static URI uri(String hostPort, String path, String defaultScheme) {
        String scheme = defaultScheme;
        String base = hostPort;
        for (String s : new String[] {"http", "https"}) {
            if (base.startsWith(s + "://")) {
                scheme = s;
                base = base.substring(s.length() + 3);
            }
        }
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(scheme + "://" + base + path);
    }

    private HttpRequest.Builder request(String hostPort, String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(hostPort, path)).timeout(timeout);
        if (access.authorization() != null) {
            b.header("Authorization", access.authorization());
        }
        return b;
    }

    private JsonNode send(HttpRequest request, String path) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (SSLHandshakeException e) {
            throw new IOException("TLS handshake with " + request.uri().getAuthority() + " failed (" + e.getMessage()
                    + "); give the cluster's CA certificate with --cacert FILE", e);
        } catch (SSLException e) {
            throw new IOException("TLS with " + request.uri().getAuthority() + " failed (" + e.getMessage()
                    + "); does the node serve HTTPS? use http:// for a node without TLS", e);
        } catch (IOException e) {
            // java.net.http gives ConnectException without a message: name it
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IOException(why, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            String message = response.body();
            String code = null;
            try {
                JsonNode error = json.readTree(response.body());
                message = error.path("message").asText(message);
                code = error.path("error").isTextual() ? error.path("error").asText() : null;
            } catch (IOException notJson) {
                // keep the raw body as the message
            }
            if (status == 401) {
                throw new Refused("unauthenticated", access.user() == null
                        ? request.uri() + " asks for a user and password: give --user NAME and the password in"
                                + " the environment variable " + HttpAccessOptions.PASSWORD_ENV + " or in"
                                + " --password-file FILE"
                        : "user '" + access.user() + "' was refused by " + request.uri() + ": " + message);
            }
            if (status == 403) {
                throw new Refused("forbidden", "user '" + access.user() + "' lacks the role for " + request.method()
                        + " " + path + " on " + request.uri().getAuthority() + ": " + message);
            }
            if (code != null) {
                throw new Refused(code, "HTTP " + status + " from " + path + ": " + message);
            }
            throw new IOException("HTTP " + status + " from " + path + ": " + message);
        }
        return json.readTree(response.body());
    }
}
