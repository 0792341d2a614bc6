package dev.dynamo.transport.netty;

import dev.dynamo.testing.ClusterScenarios;
import dev.dynamo.testing.TestCluster;
import dev.dynamo.testing.TimeKind;
import dev.dynamo.testing.TransportKind;

/** The scenarios over real sockets: netty on 127.0.0.1, real time. */
class NettyClusterScenariosTest extends ClusterScenarios {
    @Override
    protected TestCluster.Builder cluster() {
        return TestCluster.builder().transport(TransportKind.NETTY).time(TimeKind.REAL);
    }
}
