package dev.dynamo.testing;

import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.spi.PluginRegistry;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.spi.TransportContext;
import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.transport.local.LocalNetwork;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every node on the {@code netty} transport (found by name, so this module needs no
 * dependency on it) on 127.0.0.1 and a port that was free when the node got its address.
 * A node keeps its port across restarts, as a server does.
 */
final class NettyWiring implements Wiring {
    static final String HOST = "127.0.0.1";
    /** Small and quick to close: a test cluster has several nodes in one JVM on two cores. */
    private static final Map<String, String> DEFAULTS = Map.of("io-threads", "1", "shutdown-grace-millis", "200");
    /** No HTTP server runs on a test node; a valid address nobody dials stands in for it. */
    private static final String NO_HTTP = HOST + ":1";

    private static final int MAX_PORT_ATTEMPTS = 100;

    private final Scheduler scheduler;
    private final Map<String, String> properties;
    private final Map<String, String> binaryAddresses = new ConcurrentHashMap<>();

    NettyWiring(Scheduler scheduler, Map<String, String> overrides) {
        this.scheduler = scheduler;
        Map<String, String> merged = new HashMap<>(DEFAULTS);
        merged.putAll(overrides);
        this.properties = Map.copyOf(merged);
    }

    @Override
    public synchronized Message.NodeAddress address(String id) {
        String binary = binaryAddresses.get(id);
        if (binary == null) {
            binary = HOST + ":" + unusedPort();
            binaryAddresses.put(id, binary);
        }
        return new Message.NodeAddress(id, binary, NO_HTTP);
    }

    /** A free port no other node of this cluster has (a closed probe socket's port may come back). */
    private int unusedPort() {
        for (int attempt = 0; attempt < MAX_PORT_ATTEMPTS; attempt++) {
            int port = FreePorts.next();
            if (!binaryAddresses.containsValue(HOST + ":" + port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port that this cluster does not use yet after "
                + MAX_PORT_ATTEMPTS + " attempts");
    }

    @Override
    public Transport open(String id, PluginRegistry plugins) {
        Map<String, String> withBind = new HashMap<>(properties);
        withBind.put("bind", address(id).binaryAddress());
        return plugins.transport("netty").create(new TransportContext(id, this::binaryAddressOf, withBind,
                scheduler, plugins.extensions()));
    }

    /** A seed may be named by its address ("host:port"; node ids have no ':'). */
    private String binaryAddressOf(String node) {
        return node.indexOf(':') >= 0 ? node : binaryAddresses.get(node);
    }

    @Override
    public void kill(String id) {
        // closing the node's transport closes its port: peers see the connection refused
    }

    @Override
    public void revive(String id) {
        // the new transport listens on the same port
    }

    @Override
    public Optional<LocalNetwork> network() {
        return Optional.empty();
    }

    @Override
    public void close() {
        // the transports are the nodes'
    }
}
