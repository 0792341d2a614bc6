package dev.dynamo.core.node;

import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.table.TableConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One node's identity and settings, parsed once at start-up (from {@code conf/node.properties}).
 *
 * @param id             stable node id
 * @param host           address other nodes and clients use
 * @param binaryPort     binary protocol port (clients and nodes)
 * @param httpPort       HTTP/JSON API port
 * @param dataDir        where engines keep their files (one sub-directory per table)
 * @param capacity       capacity weight for partition ownership
 * @param maxClockEntries vector clock truncation bound
 * @param zone           the zone (data center or rack) it runs in ({@link NodeInfo#ZONE_RULE})
 */
public record NodeConfig(String id, String host, int binaryPort, int httpPort, Path dataDir, double capacity,
                         int maxClockEntries, String zone) {
    public NodeConfig {
        Objects.requireNonNull(id, "id");
        if (!TableConfig.NAME.matcher(id).matches()) {
            throw new IllegalArgumentException("node id '" + id + "' must match " + TableConfig.NAME.pattern());
        }
        Objects.requireNonNull(host, "host");
        checkPort("binary port", binaryPort);
        checkPort("http port", httpPort);
        Objects.requireNonNull(dataDir, "dataDir");
        if (!(capacity > 0)) {
            throw new IllegalArgumentException("capacity must be > 0, was " + capacity);
        }
        if (maxClockEntries < 1) {
            throw new IllegalArgumentException("max clock entries must be >= 1, was " + maxClockEntries);
        }
        if (!NodeInfo.isValidZone(zone)) {
            throw new IllegalArgumentException("zone '" + zone + "' must be " + NodeInfo.ZONE_RULE);
        }
    }

    /** A node in the {@linkplain NodeInfo#DEFAULT_ZONE default zone}. */
    public NodeConfig(String id, String host, int binaryPort, int httpPort, Path dataDir, double capacity,
                      int maxClockEntries) {
        this(id, host, binaryPort, httpPort, dataDir, capacity, maxClockEntries, NodeInfo.DEFAULT_ZONE);
    }

    private static void checkPort(String what, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " must be 0..65535, was " + port);
        }
    }

    public String binaryAddress() {
        return host + ":" + binaryPort;
    }

    public String httpAddress() {
        return host + ":" + httpPort;
    }
}
