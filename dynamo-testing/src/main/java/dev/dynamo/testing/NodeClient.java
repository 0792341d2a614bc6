package dev.dynamo.testing;

import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoClient;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.RequestOptions;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link DynamoClient} whose requests a node of a {@link TestCluster} coordinates, and
 * whose blocking calls let the cluster's time pass until the answer comes. It looks the
 * node up at each request, so it goes on working across a restart.
 */
final class NodeClient implements DynamoClient {
    private final TestCluster cluster;
    private final String id;

    NodeClient(TestCluster cluster, String id) {
        this.cluster = cluster;
        this.id = id;
    }

    @Override
    public CompletableFuture<GetResult> getAsync(String table, byte[] key, RequestOptions options) {
        return cluster.node(id).get(table, key, options);
    }

    @Override
    public CompletableFuture<Context> putAsync(String table, byte[] key, Context context, byte[] value,
                                               RequestOptions options) {
        return cluster.node(id).put(table, key, context, value, options);
    }

    @Override
    public CompletableFuture<Context> deleteAsync(String table, byte[] key, Context context, RequestOptions options) {
        return cluster.node(id).delete(table, key, context, options);
    }

    @Override
    public GetResult get(String table, byte[] key, RequestOptions options) {
        return cluster.await(getAsync(table, key, options));
    }

    @Override
    public Context put(String table, byte[] key, Context context, byte[] value, RequestOptions options) {
        return cluster.await(putAsync(table, key, context, value, options));
    }

    @Override
    public Context delete(String table, byte[] key, Context context, RequestOptions options) {
        return cluster.await(deleteAsync(table, key, context, options));
    }

    @Override
    public void close() {
        // the node is the cluster's
    }
}
