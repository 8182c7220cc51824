package dev.gatehouse.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Who this node is: an id made once and kept in its storage directory ({@code cluster/node-id}), so a restarted node
 * is the same node, and a name for people (the config's {@code node}, else the host name).
 */
public record NodeIdentity(String id, String name) {

    /** Reads the id kept in {@code storage}, or makes and keeps one. Blocking (disk). */
    public static NodeIdentity load(Path storage, Optional<String> name) throws IOException {
        Path file = storage.resolve("cluster").resolve("node-id");
        String id = null;
        if (Files.isRegularFile(file)) {
            id = Files.readString(file).strip();
        }
        if (id == null || !id.matches("[0-9a-f]{16}")) {
            byte[] b = new byte[8];
            new SecureRandom().nextBytes(b);
            id = HexFormat.of().formatHex(b);
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("node-id.tmp");
            Files.writeString(tmp, id + "\n", StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return new NodeIdentity(id, name.orElseGet(NodeIdentity::hostName));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
