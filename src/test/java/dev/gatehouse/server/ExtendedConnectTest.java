package dev.gatehouse.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExtendedConnectTest {

    @Test
    void acceptValueIsTheOneOfRfc6455() {
        // RFC 6455 §1.3: the sample nonce and its Sec-WebSocket-Accept.
        assertThat(ExtendedConnect.expectedAccept("dGhlIHNhbXBsZSBub25jZQ=="))
                .isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
