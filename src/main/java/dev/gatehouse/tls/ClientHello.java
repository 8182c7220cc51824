package dev.gatehouse.tls;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What certificate selection needs from a ClientHello: the SNI host name (RFC 6066 section 3), the ALPN
 * protocols offered (RFC 7301 section 3.1), and whether the client can take an ECDSA certificate. Netty's SNI
 * handler reads only the first; TLS-ALPN-01 needs ALPN; a site with an ECDSA and an RSA certificate needs the last.
 *
 * @param serverName  the host_name entry, lower case, without a trailing dot
 * @param alpn        the protocols offered, in client order; empty when the extension is absent
 * @param ecdsa       whether an ECDSA certificate can be used with this client: it offers an ECDSA signature
 *                    algorithm, and for TLS 1.2 and older also an ECDSA cipher suite (as HAProxy decides)
 */
record ClientHello(Optional<String> serverName, List<String> alpn, boolean ecdsa) {

    /** Nothing known: no name, no ALPN; ECDSA assumed, as every current client supports it. */
    static final ClientHello NONE = new ClientHello(Optional.empty(), List.of(), true);

    private static final int EXTENSION_SERVER_NAME = 0;
    private static final int EXTENSION_SIGNATURE_ALGORITHMS = 13;
    private static final int EXTENSION_ALPN = 16;
    private static final int EXTENSION_SUPPORTED_VERSIONS = 43;
    private static final int NAME_TYPE_HOST_NAME = 0;
    private static final int TLS_1_3 = 0x0304;
    /** SignatureAlgorithm ecdsa(3) in the low byte: TLS 1.2's (hash, ecdsa) pairs and TLS 1.3's ecdsa_* schemes. */
    private static final int SIGNATURE_ECDSA = 3;

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
        boolean ecdsaSuite = ecdsaSuite(in.sub(in.u16()));
        in.skip(in.u8());                 // legacy_compression_methods
        if (in.remaining() == 0) {
            return new ClientHello(Optional.empty(), List.of(), ecdsaSuite); // no extensions (pre-TLS 1.2 clients)
        }
        Cursor extensions = in.sub(in.u16());
        String serverName = null;
        List<String> alpn = List.of();
        boolean ecdsaSignature = true; // absent: TLS 1.2 defaults to the cipher suite's algorithm (RFC 5246 7.4.1.4.1)
        boolean tls13 = false;
        while (extensions.remaining() > 0) {
            int type = extensions.u16();
            Cursor data = extensions.sub(extensions.u16());
            if (type == EXTENSION_SERVER_NAME && serverName == null) {
                serverName = hostName(data.sub(data.u16()));
            } else if (type == EXTENSION_ALPN) {
                alpn = protocols(data.sub(data.u16()));
            } else if (type == EXTENSION_SIGNATURE_ALGORITHMS) {
                ecdsaSignature = ecdsaSignature(data.sub(data.u16()));
            } else if (type == EXTENSION_SUPPORTED_VERSIONS) {
                tls13 = offersTls13(data.sub(data.u8()));
            }
        }
        // TLS 1.3 suites say nothing about the certificate; before 1.3 the suite must name ECDSA too.
        return new ClientHello(Optional.ofNullable(serverName), alpn, ecdsaSignature && (tls13 || ecdsaSuite));
    }

    /** Whether a cipher suite with ECDSA authentication is offered ({@code TLS_ECDHE_ECDSA_*}). */
    private static boolean ecdsaSuite(Cursor suites) {
        boolean found = false;
        while (suites.remaining() >= 2) {
            int suite = suites.u16();
            // 0xC006-0xC00A, 0xC023/24, 0xC02B/2C, 0xC072/73, 0xC086/87, 0xC0AC-AF, 0xCCA9: ECDHE_ECDSA (IANA registry)
            found |= (suite >= 0xC006 && suite <= 0xC00A) || suite == 0xC023 || suite == 0xC024 || suite == 0xC02B
                    || suite == 0xC02C || suite == 0xC072 || suite == 0xC073 || suite == 0xC086 || suite == 0xC087
                    || (suite >= 0xC0AC && suite <= 0xC0AF) || suite == 0xCCA9;
        }
        return found;
    }

    private static boolean ecdsaSignature(Cursor schemes) {
        boolean found = false;
        while (schemes.remaining() >= 2) {
            found |= (schemes.u16() & 0xff) == SIGNATURE_ECDSA;
        }
        return found;
    }

    private static boolean offersTls13(Cursor versions) {
        boolean found = false;
        while (versions.remaining() >= 2) {
            found |= versions.u16() == TLS_1_3;
        }
        return found;
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
