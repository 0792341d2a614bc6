package dev.dynamo.security;

import dev.dynamo.security.tls.Names;
import java.util.List;

/**
 * A node to issue a certificate for: its id (the certificate's CN) and the addresses clients
 * reach it by (IP literals and DNS names, the certificate's subject alternative names, which
 * HTTPS clients check).
 *
 * <pre>{@code
 * new NodeSpec("n1", List.of("10.0.0.1", "n1.db.example.org"))
 * }</pre>
 *
 * @param nodeId the node id, 1 to 64 letters, digits, '-' or '_'
 * @param hosts  IP addresses and DNS names of the node; may be empty
 */
public record NodeSpec(String nodeId, List<String> hosts) {

    public NodeSpec {
        Names.require(nodeId, "node id");
        hosts = List.copyOf(hosts);
    }
}
