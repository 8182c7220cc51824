package dev.gatehouse.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientHelloTest {

    private static ClientHello parse(byte[] body) {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        try {
            ClientHello hello = ClientHello.parse(buf);
            assertThat(buf.readerIndex()).as("parse must not consume").isZero();
            return hello;
        } finally {
            buf.release();
        }
    }

    @Test
    void readsServerNameAndAlpn() {
        ClientHello hello = parse(ClientHellos.body(0x0303, "App.Example.COM.", List.of("acme-tls/1", "h2"), 0x1301));

        assertThat(hello.serverName()).contains("app.example.com");
        assertThat(hello.alpn()).containsExactly("acme-tls/1", "h2");
    }

    @Test
    void absentExtensionsAreEmpty() {
        ClientHello hello = parse(ClientHellos.body(0x0303, null, null, 0x1301));

        assertThat(hello.serverName()).isEmpty();
        assertThat(hello.alpn()).isEmpty();
    }

    @Test
    void noExtensionBlockAtAll() {
        byte[] full = ClientHellos.body(0x0301, null, null, 0x002f);
        // Cut right after the compression methods: 2 + 32 + 1 + (2 + 2) + 2 bytes.
        assertThat(parse(Arrays.copyOf(full, 41))).as("an RSA-only suite, nothing else")
                .isEqualTo(new ClientHello(java.util.Optional.empty(), List.of(), false));
        assertThat(parse(Arrays.copyOf(ClientHellos.body(0x0303, null, null, 0xc02b), 41)).ecdsa())
                .as("an ECDSA suite").isTrue();
    }

    @Test
    void truncatedOrLyingLengthsYieldNothingRatherThanThrow() {
        byte[] full = ClientHellos.body(0x0303, "a.example.com", List.of("http/1.1"), 0x1301);
        for (int cut = 0; cut < full.length; cut++) {
            ClientHello hello = parse(Arrays.copyOf(full, cut));
            assertThat(hello).as("cut at " + cut).isNotNull();
        }
        byte[] lying = full.clone();
        lying[lying.length - 30] = (byte) 0xff; // somewhere inside the extensions
        assertThat(parse(lying)).isNotNull();
    }

    @Test
    void ecdsaNeedsAnEcdsaSignatureAlgorithmAndBefore13AnEcdsaSuite() {
        int[] rsaOnly = {0x0804, 0x0401};       // rsa_pss_rsae_sha256, rsa_pkcs1_sha256
        int[] both = {0x0403, 0x0804, 0x0401};  // ecdsa_secp256r1_sha256 first
        int ecdheRsa = 0xc02f;
        int ecdheEcdsa = 0xc02b;
        int tls13Suite = 0x1301;

        assertThat(parse(ClientHellos.body(0x0303, "a.test", null, both, true, tls13Suite)).ecdsa())
                .as("TLS 1.3 with ECDSA signatures").isTrue();
        assertThat(parse(ClientHellos.body(0x0303, "a.test", null, rsaOnly, true, tls13Suite)).ecdsa())
                .as("TLS 1.3 with RSA signatures only (openssl s_client -sigalgs RSA-PSS+SHA256)").isFalse();
        assertThat(parse(ClientHellos.body(0x0303, "a.test", null, both, false, ecdheRsa)).ecdsa())
                .as("TLS 1.2 with ECDSA signatures but only ECDHE-RSA suites (curl --ciphers)").isFalse();
        assertThat(parse(ClientHellos.body(0x0303, "a.test", null, both, false, ecdheRsa, ecdheEcdsa)).ecdsa())
                .as("TLS 1.2 with an ECDSA suite").isTrue();
        assertThat(parse(ClientHellos.body(0x0303, "a.test", null, null, false, ecdheEcdsa)).ecdsa())
                .as("TLS 1.2 without signature_algorithms: the suite decides").isTrue();
    }
}
