package dev.dynamo.server;

import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.membership.MemberSyntax;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.Ring;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ring a node last routed with, and the members' addresses, kept in
 * {@code <data.dir>/cluster.ring} so that a node restarting after joins, leaves or
 * removals routes with that ring rather than the one {@code cluster.nodes} describes.
 *
 * <p>Written durably and atomically: a temporary file is written and fsynced, moved over the
 * old one, and the directory is fsynced, so a crash leaves either the old file or the new one,
 * both complete. Written only if it will read back: an address it could not store (one with
 * whitespace, which separates the two addresses of a line) fails the save and leaves the old
 * file as it was. A file that cannot be read fails the start with the file and the problem
 * named.
 *
 * <pre>{@code
 * RingFile file = new RingFile(dataDir);
 * file.save(node.cluster());
 * Optional<ClusterState> last = file.load();
 * }</pre>
 */
final class RingFile {
    static final String NAME = "cluster.ring";
    private static final Logger LOG = LoggerFactory.getLogger(RingFile.class);
    private static final String ADDRESS = "address.";

    private final Path file;

    RingFile(Path dataDir) {
        this.file = dataDir.resolve(NAME);
    }

    Path path() {
        return file;
    }

    /**
     * Replaces the saved state with {@code state}.
     *
     * @throws IllegalArgumentException when an address of {@code state} could not be read back
     *                                  (the old file is left as it was)
     * @throws UncheckedIOException     when the file cannot be written (the old file is left as it was)
     */
    void save(ClusterState state) {
        Properties p = new Properties();
        p.setProperty("ring", Base64.getEncoder().encodeToString(state.ring().encode()));
        for (Message.NodeAddress a : new TreeMap<>(state.addresses()).values()) {
            String problem = problem(a.id(), a.binaryAddress(), a.httpAddress());
            if (problem != null) {
                throw new IllegalArgumentException("cannot save the ring to " + file + ": " + problem
                        + "; the saved ring is left as it was");
            }
            p.setProperty(ADDRESS + a.id(), a.binaryAddress() + " " + a.httpAddress());
        }
        StringWriter text = new StringWriter();
        try {
            p.store(text, "the ring this node last routed with; written by the node, do not edit");
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = file.resolveSibling(NAME + ".tmp");
            try {
                writeSynced(tmp, text.toString().getBytes(StandardCharsets.UTF_8));
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            syncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ring to " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeSynced(Path path, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            ch.force(true);
        }
    }

    /** Makes the rename durable; a platform that cannot open a directory (Windows) has no such step. */
    private static void syncDirectory(Path dir) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException e) {
            LOG.debug("directory {} cannot be opened to sync it on this platform: {}", dir, e.toString());
            return;
        }
        try (ch) {
            ch.force(true);
        }
    }

    /**
     * The saved state, or empty when none was saved.
     *
     * @throws IllegalStateException naming the file and the problem when it cannot be read or decoded
     */
    Optional<ClusterState> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | RuntimeException e) {
            throw unreadable("it cannot be read: " + e.getMessage(), e);
        }
        String encoded = p.getProperty("ring");
        if (encoded == null) {
            throw unreadable("it has no 'ring' entry", null);
        }
        Ring ring;
        try {
            ring = Ring.decode(Base64.getDecoder().decode(encoded.strip()));
        } catch (RuntimeException e) {
            throw unreadable("its 'ring' entry is not a ring: " + e.getMessage(), e);
        }
        List<Message.NodeAddress> addresses = new ArrayList<>();
        for (String key : new TreeMap<>(p).keySet().stream().map(String::valueOf).toList()) {
            if (!key.startsWith(ADDRESS)) {
                continue;
            }
            String id = key.substring(ADDRESS.length());
            // exactly one space between the two (either may be empty: an address not known)
            String[] parts = p.getProperty(key).split(" ", -1);
            String problem = parts.length != 2 ? "entry '" + key + "' must be '<binary address> <http address>'"
                    : problem(id, parts[0], parts[1]);
            if (problem != null) {
                throw unreadable(problem, null);
            }
            addresses.add(new Message.NodeAddress(id, parts[0], parts[1]));
        }
        return Optional.of(ClusterState.of(ring, addresses));
    }

    /** What keeps a node's entry from being written and read back, or null. */
    private static String problem(String id, String binary, String http) {
        if (!MemberSyntax.isValidId(id)) {
            return "node id '" + id + "' is empty, too long or has whitespace or control characters";
        }
        if (!MemberSyntax.isValidAddress(binary)) {
            return "binary address of node '" + id + "' (" + MemberSyntax.describe(binary) + ") "
                    + MemberSyntax.ADDRESS_RULE;
        }
        if (!MemberSyntax.isValidAddress(http)) {
            return "HTTP address of node '" + id + "' (" + MemberSyntax.describe(http) + ") "
                    + MemberSyntax.ADDRESS_RULE;
        }
        return null;
    }

    private IllegalStateException unreadable(String problem, Throwable cause) {
        return new IllegalStateException("cannot read the saved ring " + file + ": " + problem
                + "; move it away to start from the configured cluster.nodes", cause);
    }
}
