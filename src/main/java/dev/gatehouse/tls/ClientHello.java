package dev.gatehouse.tls;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What certificate selection needs from a ClientHello: the SNI host name (RFC 6066 section 3) and the ALPN
 * protocols offered (RFC 7301 section 3.1). Netty's SNI handler reads only the former; TLS-ALPN-01 needs both.
 *
 * @param serverName  the host_name entry, lower case, without a trailing dot
 * @param alpn        the protocols offered, in client order; empty when the extension is absent
 */
record ClientHello(Optional<String> serverName, List<String> alpn) {

    static final ClientHello NONE = new ClientHello(Optional.empty(), List.of());

    private static final int EXTENSION_SERVER_NAME = 0;
    private static final int EXTENSION_ALPN = 16;
    private static final int NAME_TYPE_HOST_NAME = 0;

    /**
     * Parses a ClientHello body (after the 4-byte handshake header, RFC 8446 section 4.1.2) without moving the
     * buffer's indexes. Malformed input yields {@link #NONE}: the TLS engine will reject it with a proper alert.
     */
    static ClientHello parse(ByteBuf body) {
        try {
            return parse(new Cursor(body));
        } catch (IndexOutOfBoundsException e) {
            return NONE;
        }
    }

    private static ClientHello parse(Cursor in) {
        in.skip(2 + 32);                  // legacy_version, random
        in.skip(in.u8());                 // legacy_session_id
        in.skip(in.u16());                // cipher_suites
        in.skip(in.u8());                 // legacy_compression_methods
        if (in.remaining() == 0) {
            return NONE;                  // no extensions at all (pre-TLS 1.2 clients)
        }
        Cursor extensions = in.sub(in.u16());
        String serverName = null;
        List<String> alpn = List.of();
        while (extensions.remaining() > 0) {
            int type = extensions.u16();
            Cursor data = extensions.sub(extensions.u16());
            if (type == EXTENSION_SERVER_NAME && serverName == null) {
                serverName = hostName(data.sub(data.u16()));
            } else if (type == EXTENSION_ALPN) {
                alpn = protocols(data.sub(data.u16()));
            }
        }
        return new ClientHello(Optional.ofNullable(serverName), alpn);
    }

    private static String hostName(Cursor list) {
        while (list.remaining() > 0) {
            int nameType = list.u8();
            String name = list.ascii(list.u16());
            if (nameType == NAME_TYPE_HOST_NAME) {
                String lower = name.toLowerCase(Locale.ROOT);
                return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
            }
        }
        return null;
    }

    private static List<String> protocols(Cursor list) {
        List<String> protocols = new ArrayList<>();
        while (list.remaining() > 0) {
            protocols.add(list.ascii(list.u8()));
        }
        return List.copyOf(protocols);
    }

    /** Bounds-checked reads over {@code [offset, limit)} of a buffer; over-reads throw IndexOutOfBounds. */
    private static final class Cursor {
        private final ByteBuf buf;
        private int offset;
        private final int limit;

        Cursor(ByteBuf buf) {
            this(buf, buf.readerIndex(), buf.writerIndex());
        }

        private Cursor(ByteBuf buf, int offset, int limit) {
            this.buf = buf;
            this.offset = offset;
            this.limit = limit;
        }

        int remaining() {
            return limit - offset;
        }

        private int take(int n) {
            if (n < 0 || n > remaining()) {
                throw new IndexOutOfBoundsException("ClientHello field of " + n + " bytes, " + remaining() + " left");
            }
            int at = offset;
            offset += n;
            return at;
        }

        void skip(int n) {
            take(n);
        }

        int u8() {
            return buf.getUnsignedByte(take(1));
        }

        int u16() {
            return buf.getUnsignedShort(take(2));
        }

        String ascii(int n) {
            return buf.toString(take(n), n, StandardCharsets.US_ASCII);
        }

        Cursor sub(int n) {
            return new Cursor(buf, take(n), offset);
        }
    }
}
