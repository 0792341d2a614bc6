package dev.dynamo.core.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * What a backup of one table on one node holds, written as {@code MANIFEST.properties} next to
 * its {@code data/} directory, last, so that a directory with a manifest is a complete backup.
 *
 * <pre>{@code
 * BackupManifest m = BackupManifest.read(Path.of("/backups/b1/n1/carts"));
 * m.verify(Path.of("/backups/b1/n1/carts"));     // every file there, with its size and SHA-256
 * }</pre>
 *
 * @param node          the node whose replica this is
 * @param table         the table
 * @param engine        the engine that wrote the files (a restore opens them with the same one)
 * @param ringVersion   the ring the node routed with when the backup was taken
 * @param partitions    the partitions the node held replicas of then
 * @param takenAtMillis when the copy was taken (the node's clock, epoch milliseconds)
 * @param files         every file under {@code data/}, with its size and SHA-256
 */
public record BackupManifest(String node, String table, String engine, long ringVersion, List<Integer> partitions,
                             long takenAtMillis, List<BackupFile> files) {
    /** The manifest's file name in a table's backup directory. */
    public static final String FILE = "MANIFEST.properties";
    /** The directory of the engine's files in a table's backup directory. */
    public static final String DATA = "data";
    private static final int FORMAT = 1;

    /** One file of the copy: its path under {@code data/} (with '/' separators), size and SHA-256. */
    public record BackupFile(String path, long bytes, String sha256) {
        public BackupFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    public BackupManifest {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(engine, "engine");
        partitions = List.copyOf(partitions);
        files = List.copyOf(files);
    }

    /** The total size of the copied files. */
    public long bytes() {
        return files.stream().mapToLong(BackupFile::bytes).sum();
    }

    /** Lists and checksums the files under {@code dir/data}. */
    static List<BackupFile> describe(Path dir) {
        Path data = dir.resolve(DATA);
        List<BackupFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(data)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String relative = data.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                files.add(new BackupFile(relative, Files.size(p), sha256(p)));
            }
        } catch (IOException e) {
            throw new BackupException("cannot read the copied files in " + data + ": " + e.getMessage(), e);
        }
        return files;
    }

    /** Writes {@code dir/MANIFEST.properties} (through a temporary file and a rename). */
    void write(Path dir) {
        Properties p = new Properties();
        p.setProperty("format", String.valueOf(FORMAT));
        p.setProperty("node", node);
        p.setProperty("table", table);
        p.setProperty("engine", engine);
        p.setProperty("ring.version", String.valueOf(ringVersion));
        p.setProperty("partitions", String.join(",", partitions.stream().map(String::valueOf).toList()));
        p.setProperty("taken-at-ms", String.valueOf(takenAtMillis));
        p.setProperty("files", String.valueOf(files.size()));
        for (int i = 0; i < files.size(); i++) {
            BackupFile f = files.get(i);
            p.setProperty("file." + i + ".path", f.path());
            p.setProperty("file." + i + ".bytes", String.valueOf(f.bytes()));
            p.setProperty("file." + i + ".sha256", f.sha256());
        }
        Path tmp = dir.resolve(FILE + ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "dynamo backup of table " + table + " on node " + node);
            }
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BackupException("cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code dir/MANIFEST.properties}.
     *
     * @throws BackupException when it is missing (an incomplete backup) or malformed, naming the file and key
     */
    public static BackupManifest read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new BackupException(dir + " is not a complete backup: it has no " + FILE
                    + " (a backup that was interrupted, or the wrong directory)");
        }
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new BackupException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Fields f = new Fields(file, p);
        if (f.number("format") != FORMAT) {
            throw new BackupException(file + ": format " + p.getProperty("format") + " is not one this version reads ("
                    + FORMAT + ")");
        }
        List<Integer> partitions = new ArrayList<>();
        String listed = f.text("partitions");
        if (!listed.isEmpty()) {
            for (String s : listed.split(",")) {
                partitions.add((int) f.parse("partitions", s.trim()));
            }
        }
        long count = f.number("files");
        List<BackupFile> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String path = f.text("file." + i + ".path");
            if (path.startsWith("/") || path.contains("..")) {
                throw new BackupException(file + ": file." + i + ".path '" + path + "' leaves the backup directory");
            }
            files.add(new BackupFile(path, f.number("file." + i + ".bytes"), f.text("file." + i + ".sha256")));
        }
        return new BackupManifest(f.text("node"), f.text("table"), f.text("engine"), f.number("ring.version"),
                partitions, f.number("taken-at-ms"), files);
    }

    /**
     * Checks that every listed file is under {@code dir/data} with its size and SHA-256, and
     * that nothing else is there.
     *
     * @throws BackupException naming the first file that is missing, changed or unexpected
     */
    public void verify(Path dir) {
        List<BackupFile> found = describe(dir);
        for (BackupFile expected : files) {
            BackupFile actual = found.stream().filter(f -> f.path().equals(expected.path())).findFirst()
                    .orElseThrow(() -> new BackupException(dir.resolve(DATA).resolve(expected.path())
                            + " is missing from the backup"));
            if (!actual.equals(expected)) {
                throw new BackupException(dir.resolve(DATA).resolve(expected.path()) + " has changed since the backup"
                        + " was taken (size " + actual.bytes() + ", expected " + expected.bytes()
                        + "; or its SHA-256 differs): the backup is damaged");
            }
        }
        if (found.size() != files.size()) {
            throw new BackupException(dir.resolve(DATA) + " holds files the manifest does not list: not a backup"
                    + " this version wrote, or files were added to it");
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The manifest's keys, each required, with errors naming the file and key. */
    private record Fields(Path file, Properties p) {
        String text(String key) {
            String v = p.getProperty(key);
            if (v == null) {
                throw new BackupException(file + ": key '" + key + "' is missing: the manifest is damaged");
            }
            return v.trim();
        }

        long number(String key) {
            return parse(key, text(key));
        }

        long parse(String key, String value) {
            try {
                long n = Long.parseLong(value);
                if (n < 0) {
                    throw new NumberFormatException("negative");
                }
                return n;
            } catch (NumberFormatException e) {
                throw new BackupException(file + ": key '" + key + "' = '" + value + "' is not a count", e);
            }
        }
    }
}
