package dev.dynamo.server;

import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.Ring;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The ring a node last routed with, and the members' addresses, kept in
 * {@code <data.dir>/cluster.ring} so that a node restarting after joins, leaves or
 * removals routes with that ring rather than the one {@code cluster.nodes} describes.
 * Written atomically (a temporary file moved into place).
 *
 * <pre>{@code
 * RingFile file = new RingFile(dataDir);
 * file.save(node.cluster());
 * Optional<ClusterState> last = file.load();
 * }</pre>
 */
final class RingFile {
    static final String NAME = "cluster.ring";

    private final Path file;

    RingFile(Path dataDir) {
        this.file = dataDir.resolve(NAME);
    }

    Path path() {
        return file;
    }

    void save(ClusterState state) {
        Properties p = new Properties();
        p.setProperty("ring", Base64.getEncoder().encodeToString(state.ring().encode()));
        state.addresses().values().forEach(a -> p.setProperty("address." + a.id(),
                a.binaryAddress() + " " + a.httpAddress()));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(NAME + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "the ring this node last routed with; written by the node, do not edit");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ring to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The saved state, or empty when none was saved.
     *
     * @throws IllegalStateException naming the file when it cannot be read or decoded
     */
    Optional<ClusterState> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            Ring ring = Ring.decode(Base64.getDecoder().decode(p.getProperty("ring", "")));
            List<Message.NodeAddress> addresses = new ArrayList<>();
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith("address.")) {
                    String[] parts = p.getProperty(key).trim().split(" ");
                    if (parts.length != 2) {
                        throw new IllegalArgumentException("bad address line " + key);
                    }
                    addresses.add(new Message.NodeAddress(key.substring("address.".length()), parts[0], parts[1]));
                }
            }
            return Optional.of(ClusterState.of(ring, addresses));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the saved ring " + file + " (" + e.getMessage()
                    + "); move it away to start from the configured cluster.nodes", e);
        }
    }
}
