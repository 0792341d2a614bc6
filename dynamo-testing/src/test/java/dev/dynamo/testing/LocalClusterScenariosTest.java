package dev.dynamo.testing;

/** The scenarios on the local network under virtual time: deterministic, and seconds of cluster time in milliseconds. */
class LocalClusterScenariosTest extends ClusterScenarios {
    @Override
    protected TestCluster.Builder cluster() {
        return TestCluster.builder().transport(TransportKind.LOCAL).time(TimeKind.VIRTUAL);
    }
}
