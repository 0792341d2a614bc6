package dev.dynamo.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The store as an application sees it. Failures are {@link DynamoException}s: thrown by
 * the synchronous methods, completing the futures of the asynchronous ones.
 *
 * <pre>{@code
 * try (DynamoClient client = ...) {
 *     GetResult r = client.get("cart", key);
 *     Context c = client.put("cart", key, r.context(), newValue);
 *     client.delete("cart", key, c);
 * }
 * }</pre>
 */
public interface DynamoClient extends AutoCloseable {

    CompletableFuture<GetResult> getAsync(String table, byte[] key, RequestOptions options);

    /** Stores {@code value} as a successor of every version {@code context} covers; returns the new version's context. */
    CompletableFuture<Context> putAsync(String table, byte[] key, Context context, byte[] value, RequestOptions options);

    /** Writes a tombstone superseding what {@code context} covers; returns the tombstone's context. */
    CompletableFuture<Context> deleteAsync(String table, byte[] key, Context context, RequestOptions options);

    default CompletableFuture<GetResult> getAsync(String table, byte[] key) {
        return getAsync(table, key, RequestOptions.DEFAULT);
    }

    default CompletableFuture<Context> putAsync(String table, byte[] key, Context context, byte[] value) {
        return putAsync(table, key, context, value, RequestOptions.DEFAULT);
    }

    default CompletableFuture<Context> deleteAsync(String table, byte[] key, Context context) {
        return deleteAsync(table, key, context, RequestOptions.DEFAULT);
    }

    default GetResult get(String table, byte[] key, RequestOptions options) {
        return await(getAsync(table, key, options));
    }

    default GetResult get(String table, byte[] key) {
        return get(table, key, RequestOptions.DEFAULT);
    }

    default Context put(String table, byte[] key, Context context, byte[] value, RequestOptions options) {
        return await(putAsync(table, key, context, value, options));
    }

    default Context put(String table, byte[] key, Context context, byte[] value) {
        return put(table, key, context, value, RequestOptions.DEFAULT);
    }

    default Context delete(String table, byte[] key, Context context, RequestOptions options) {
        return await(deleteAsync(table, key, context, options));
    }

    default Context delete(String table, byte[] key, Context context) {
        return delete(table, key, context, RequestOptions.DEFAULT);
    }

    @Override
    void close();

    /** Waits for {@code future}, rethrowing a {@link DynamoException} as itself. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DynamoException("interrupted while waiting for the store", e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof DynamoException de) {
                throw de;
            }
            throw new DynamoException("request failed: " + cause, cause);
        }
    }
}
