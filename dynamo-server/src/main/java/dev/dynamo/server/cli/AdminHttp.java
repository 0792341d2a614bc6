package dev.dynamo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The operator commands' view of a node's HTTP API: one JSON document per call, any
 * unexpected status turned into an {@link IOException} that names the path and the
 * node's error message.
 */
final class AdminHttp {
    private final HttpClient client;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();

    AdminHttp(long timeoutMillis) {
        this.timeout = Duration.ofMillis(timeoutMillis);
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    JsonNode get(String hostPort, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(hostPort, path)).timeout(timeout).GET().build(), path);
    }

    JsonNode post(String hostPort, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(hostPort, path)).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), path);
    }

    /** Accepts what users paste: "host:port" or "http://host:port[/]". */
    static URI uri(String hostPort, String path) {
        String base = hostPort.startsWith("http://") ? hostPort.substring("http://".length()) : hostPort;
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create("http://" + base + path);
    }

    private JsonNode send(HttpRequest request, String path) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // java.net.http gives ConnectException without a message: name it
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IOException(why, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            String message = response.body();
            try {
                message = json.readTree(response.body()).path("message").asText(message);
            } catch (IOException notJson) {
                // keep the raw body as the message
            }
            throw new IOException("HTTP " + status + " from " + path + ": " + message);
        }
        return json.readTree(response.body());
    }
}
