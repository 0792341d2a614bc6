package dev.dynamo.testing;

/** How the nodes of a {@link TestCluster} talk to one another. */
public enum TransportKind {
    /** One in-memory {@link dev.dynamo.core.transport.local.LocalNetwork}, with its fault injection. */
    LOCAL,
    /**
     * The {@code netty} transport on 127.0.0.1, each node on a free port; found by name through
     * the SPI, so {@code dynamo-transport-netty} must be on the test classpath. Real time only.
     */
    NETTY
}
