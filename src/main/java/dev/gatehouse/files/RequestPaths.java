package dev.gatehouse.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * From a request path to a regular file under the root, or the reason there is none.
 *
 * <p>Two fences, because one is easy to get wrong: the path is decoded strictly into segments that
 * can only name children ({@code .}, {@code ..}, encoded {@code /}, backslash and NUL are refused
 * with 400, before the file system is asked anything); then the file's real path, symlinks
 * resolved, must lie under the root's real path, else 404 so that nothing outside is revealed.
 * The root's real path is taken per request so that a deploy which swaps a {@code current}
 * symlink is seen at once.
 */
final class RequestPaths {

    /** The outcome of looking a request path up. */
    sealed interface Lookup permits Found, AddSlash, Refused {
    }

    /** A regular file inside the root. */
    record Found(Path file, BasicFileAttributes attributes) implements Lookup {
    }

    /** A directory asked for without its trailing slash: redirect to {@code location}. */
    record AddSlash(String location) implements Lookup {
    }

    /** 400, 403 or 404; {@code reason} is for the debug log, never for the client. */
    record Refused(int status, String reason) implements Lookup {
    }

    private static final String HEX_DIGITS = "0123456789ABCDEF";

    private RequestPaths() {
    }

    /**
     * Looks up {@code rawPath} (percent-encoded, starting with {@code /}, no query) under
     * {@code root}, serving {@code index} for directories.
     *
     * @throws IOException when the file system fails other than by "not there" or "not allowed"
     */
    static Lookup lookup(Path root, String index, String rawPath) throws IOException {
        Optional<List<String>> decoded = decode(rawPath);
        if (decoded.isEmpty()) {
            return new Refused(400, "undecodable or unsafe path");
        }
        List<String> segments = decoded.get();
        Path candidate = root;
        try {
            for (String segment : segments) {
                candidate = candidate.resolve(segment);
            }
        } catch (InvalidPathException e) {
            return new Refused(400, "invalid file name");
        }
        if (!candidate.normalize().startsWith(root)) {
            return new Refused(400, "escapes root"); // unreachable after decode(); kept as a fence
        }
        boolean trailingSlash = rawPath.endsWith("/");
        Path rootReal = root.toRealPath();
        Lookup found = inside(rootReal, candidate);
        if (!(found instanceof Found file)) {
            return found;
        }
        if (!file.attributes().isDirectory()) {
            return trailingSlash ? new Refused(404, "file asked for as a directory") : found;
        }
        if (!trailingSlash) {
            return new AddSlash(encode(segments) + "/");
        }
        Lookup indexFile = inside(rootReal, file.file().resolve(index));
        if (indexFile instanceof Found f && f.attributes().isDirectory()) {
            return new Refused(404, "index is a directory");
        }
        return indexFile instanceof Refused r && r.status() == 404
                ? new Refused(404, "directory without index") // no listings
                : indexFile;
    }

    /** Resolves symlinks and checks the result is under the root and a regular file or directory. */
    private static Lookup inside(Path rootReal, Path candidate) throws IOException {
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (NoSuchFileException | NotDirectoryException e) {
            return new Refused(404, "no such file");
        } catch (AccessDeniedException e) {
            return new Refused(403, "access denied on the way");
        } catch (FileSystemException e) {
            // ENOTDIR, ELOOP, ENAMETOOLONG have no exception type of their own: all mean "not here"
            if (!Files.exists(candidate)) {
                return new Refused(404, "unresolvable: " + e.getReason());
            }
            throw e;
        }
        if (!real.startsWith(rootReal)) {
            return new Refused(404, "symlink out of root to " + real);
        }
        BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
        if (!attributes.isRegularFile() && !attributes.isDirectory()) {
            return new Refused(404, "not a regular file"); // FIFOs, devices, sockets: opening may block
        }
        return new Found(real, attributes);
    }

    /**
     * Splits a raw path into decoded segments, dropping empty ones ({@code //} is {@code /}).
     * Empty when the path is not absolute, has an invalid escape or invalid UTF-8, or a segment that
     * is {@code .}, {@code ..} or contains {@code /} (encoded), backslash or NUL.
     */
    static Optional<List<String>> decode(String rawPath) {
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return Optional.empty();
        }
        List<String> segments = new ArrayList<>();
        int start = 1;
        while (start <= rawPath.length()) {
            int slash = rawPath.indexOf('/', start);
            int end = slash < 0 ? rawPath.length() : slash;
            if (end > start) {
                String segment = decodeSegment(rawPath, start, end);
                if (segment == null || segment.equals(".") || segment.equals("..")
                        || segment.indexOf('/') >= 0 || segment.indexOf('\\') >= 0 || segment.indexOf('\0') >= 0) {
                    return Optional.empty();
                }
                segments.add(segment);
            }
            start = end + 1;
        }
        return Optional.of(segments);
    }

    /**
     * Percent-decodes one segment as UTF-8, or null when malformed. Characters up to U+00FF stand for
     * the bytes of a request line read as ISO-8859-1 (Netty's codec does so), which lets clients
     * that send raw UTF-8 be understood.
     */
    private static String decodeSegment(String raw, int start, int end) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(end - start);
        for (int i = start; i < end; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= end) {
                    return null;
                }
                int hi = hex(raw.charAt(i + 1));
                int lo = hex(raw.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0xFF) {
                return null;
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /**
     * Encodes segments back into an absolute path, escaping all but RFC 3986 pchar. Used for
     * redirects, so that {@code //evil.example} can never come back as a protocol-relative Location.
     */
    static String encode(List<String> segments) {
        StringBuilder out = new StringBuilder();
        for (String segment : segments) {
            out.append('/');
            for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xFF;
                if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                        || "-._~!$&'()*+,;=:@".indexOf(c) >= 0) {
                    out.append((char) c);
                } else {
                    out.append('%').append(HEX_DIGITS.charAt(c >> 4)).append(HEX_DIGITS.charAt(c & 0xF));
                }
            }
        }
        return out.toString();
    }
}
