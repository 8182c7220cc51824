package dev.gatehouse.cache;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The layout of one stored response on disk: {@code GHC1}, the length of the metadata, the metadata (the stored
 * response without its body), then the body. A file is only ever complete: it is written under another name and
 * renamed into place, and on reading its length must be exactly what its metadata says.
 */
final class DiskFormat {
    static final int MAGIC = 0x47484331; // "GHC1"
    static final int PREFIX = 8;

    private DiskFormat() {
    }

    /** The file prefix and metadata of {@code r}, whose body of {@code bodyLength} bytes follows. */
    static ByteBuffer head(StoredResponse r, long bodyLength) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        DataOutputStream out = new DataOutputStream(bytes);
        text(out, r.site);
        text(out, r.url);
        out.writeInt(r.status);
        text(out, r.reason);
        out.writeLong(r.requestTime);
        out.writeLong(r.responseTime);
        out.writeLong(r.initialAge);
        out.writeLong(r.lifetime);
        out.writeBoolean(r.noCache);
        out.writeBoolean(r.noStale);
        out.writeLong(r.staleWhileRevalidate);
        out.writeLong(r.staleIfError);
        out.writeInt(r.vary.names().size());
        for (int i = 0; i < r.vary.names().size(); i++) {
            text(out, r.vary.names().get(i));
            String v = r.vary.values().get(i);
            out.writeBoolean(v != null);
            if (v != null) {
                text(out, v);
            }
        }
        out.writeInt(r.tags.size());
        for (String t : r.tags) {
            text(out, t);
        }
        out.writeInt(r.headers.size());
        for (Map.Entry<String, String> e : r.headers) {
            text(out, e.getKey());
            text(out, e.getValue());
        }
        out.writeLong(bodyLength);
        out.flush();
        byte[] meta = bytes.toByteArray();
        ByteBuffer buf = ByteBuffer.allocate(PREFIX + meta.length);
        buf.putInt(MAGIC).putInt(meta.length).put(meta).flip();
        return buf;
    }

    /**
     * Reads the stored response in {@code file} (of {@code fileSize} bytes) from its first bytes; its body becomes
     * a {@link Body.File} region of the file.
     *
     * @throws IOException when the file is not a complete stored response
     */
    static StoredResponse read(Path file, long fileSize, ByteBuffer prefix, ByteBuffer meta) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(meta.array(), meta.arrayOffset(),
                meta.remaining()));
        String site = text(in);
        String url = text(in);
        int status = in.readInt();
        String reason = text(in);
        long requestTime = in.readLong();
        long responseTime = in.readLong();
        long initialAge = in.readLong();
        long lifetime = in.readLong();
        boolean noCache = in.readBoolean();
        boolean noStale = in.readBoolean();
        long swr = in.readLong();
        long sie = in.readLong();
        int varyCount = count(in);
        List<String> names = new ArrayList<>(varyCount);
        List<String> values = new ArrayList<>(varyCount);
        for (int i = 0; i < varyCount; i++) {
            names.add(text(in));
            values.add(in.readBoolean() ? text(in) : null);
        }
        int tagCount = count(in);
        List<String> tags = new ArrayList<>(tagCount);
        for (int i = 0; i < tagCount; i++) {
            tags.add(text(in));
        }
        int fieldCount = count(in);
        HttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 0; i < fieldCount; i++) {
            headers.add(text(in), text(in));
        }
        long bodyLength = in.readLong();
        long bodyOffset = PREFIX + prefix.getInt(4);
        if (bodyLength < 0 || bodyOffset + bodyLength != fileSize) {
            throw new IOException("length " + fileSize + " is not " + (bodyOffset + bodyLength) + " (a partial write)");
        }
        VaryKey vary = names.isEmpty() ? VaryKey.NONE
                : new VaryKey(List.copyOf(names), java.util.Collections.unmodifiableList(values));
        return new StoredResponse(site, url, status, reason, headers, requestTime, responseTime, initialAge, lifetime,
                noCache, noStale, swr, sie, vary, tags, new Body.File(file, bodyOffset, bodyLength));
    }

    /** The metadata length from the first {@link #PREFIX} bytes, or -1 when they are not ours. */
    static int metaLength(ByteBuffer prefix, long fileSize) {
        if (prefix.getInt(0) != MAGIC) {
            return -1;
        }
        int n = prefix.getInt(4);
        return n <= 0 || n > 1 << 24 || PREFIX + (long) n > fileSize ? -1 : n;
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 100_000) {
            throw new IOException("count " + n);
        }
        return n;
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String text(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 24) {
            throw new IOException("text length " + n);
        }
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("truncated");
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
