package dev.gatehouse.tls;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Hand-made ClientHello bytes, for the parser and for clients the JDK will not impersonate (TLS 1.1). */
final class ClientHellos {

    private ClientHellos() {
    }

    /** The ClientHello body (what follows the 4-byte handshake header). */
    static byte[] body(int version, String sni, List<String> alpn, int... cipherSuites) {
        return body(version, sni, alpn, null, false, cipherSuites);
    }

    /**
     * With {@code signature_algorithms} (when {@code signatureSchemes} is not null) and, when {@code tls13}, a
     * {@code supported_versions} offering TLS 1.3 and 1.2.
     */
    static byte[] body(int version, String sni, List<String> alpn, int[] signatureSchemes, boolean tls13,
                       int... cipherSuites) {
        Bytes b = new Bytes();
        b.u16(version);
        b.raw(new byte[32]);            // random
        b.u8(0);                        // session id
        b.u16(cipherSuites.length * 2);
        for (int suite : cipherSuites) {
            b.u16(suite);
        }
        b.u8(1);
        b.u8(0);                        // compression: null
        Bytes extensions = new Bytes();
        if (sni != null) {
            byte[] name = sni.getBytes(StandardCharsets.US_ASCII);
            Bytes list = new Bytes();
            list.u8(0);
            list.u16(name.length);
            list.raw(name);
            extension(extensions, 0, prefixed16(list.bytes()));
        }
        if (alpn != null) {
            Bytes list = new Bytes();
            for (String protocol : alpn) {
                byte[] p = protocol.getBytes(StandardCharsets.US_ASCII);
                list.u8(p.length);
                list.raw(p);
            }
            extension(extensions, 16, prefixed16(list.bytes()));
        }
        if (signatureSchemes != null) {
            Bytes list = new Bytes();
            for (int scheme : signatureSchemes) {
                list.u16(scheme);
            }
            extension(extensions, 13, prefixed16(list.bytes()));
        }
        if (tls13) {
            extension(extensions, 43, new byte[] {4, 0x03, 0x04, 0x03, 0x03});
        }
        // Elliptic curves and point formats, so a TLS 1.1 ECDHE offer is otherwise well-formed.
        extension(extensions, 10, new byte[] {0, 4, 0, 0x17, 0, 0x18});
        extension(extensions, 11, new byte[] {1, 0});
        b.u16(extensions.bytes().length);
        b.raw(extensions.bytes());
        return b.bytes();
    }

    /** {@code body} framed as a handshake message in one TLS record. */
    static byte[] record(int recordVersion, byte[] body) {
        Bytes b = new Bytes();
        b.u8(22);
        b.u16(recordVersion);
        b.u16(body.length + 4);
        b.u8(1);                        // client_hello
        b.u8(body.length >>> 16);
        b.u16(body.length & 0xffff);
        b.raw(body);
        return b.bytes();
    }

    private static byte[] prefixed16(byte[] data) {
        Bytes b = new Bytes();
        b.u16(data.length);
        b.raw(data);
        return b.bytes();
    }

    private static void extension(Bytes out, int type, byte[] data) {
        out.u16(type);
        out.u16(data.length);
        out.raw(data);
    }

    private static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void u8(int v) {
            out.write(v);
        }

        void u16(int v) {
            out.write(v >>> 8);
            out.write(v);
        }

        void raw(byte[] v) {
            out.writeBytes(v);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
