package dev.gatehouse.compression;

import dev.gatehouse.config.Compress.Algorithm;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.gatehouse.config.Compress.Algorithm.BROTLI;
import static dev.gatehouse.config.Compress.Algorithm.GZIP;
import static dev.gatehouse.config.Compress.Algorithm.ZSTD;
import static org.assertj.core.api.Assertions.assertThat;

/** Negotiation from Accept-Encoding (RFC 9110 §12.5.3), and the media types a rule covers. */
class AcceptEncodingTest {
    private static final List<Algorithm> ALL = List.of(ZSTD, BROTLI, GZIP);

    @Test
    void theClientsWeightsDecideAndTheServersOrderBreaksTies() {
        assertThat(AcceptEncoding.choose("gzip, deflate, br, zstd", ALL)).isEqualTo(ZSTD);
        assertThat(AcceptEncoding.choose("gzip, deflate, br", ALL)).isEqualTo(BROTLI);
        assertThat(AcceptEncoding.choose("gzip;q=1, br;q=0.8", ALL)).isEqualTo(GZIP);
        assertThat(AcceptEncoding.choose("br;q=0.001, gzip;q=0", ALL)).isEqualTo(BROTLI);
        assertThat(AcceptEncoding.choose(" gzip ; q=0.5 , zstd;q=0.50", ALL)).isEqualTo(ZSTD);
        assertThat(AcceptEncoding.choose("*;q=0.1, gzip;q=0.2", ALL)).isEqualTo(GZIP);
        assertThat(AcceptEncoding.choose("*", List.of(GZIP, BROTLI))).isEqualTo(GZIP);
    }

    @Test
    void zeroRefusesAndIdentityCanWin() {
        for (String header : new String[]{null, "", "identity", "gzip;q=0", "*;q=0", "gzip;q=0.0, br;q=0.000",
                "gzip;q=0.3, identity;q=0.5", "gzip;q=2", "gzip;q=.5", "gzip;q=0.5x", "deflate"}) {
            assertThat(AcceptEncoding.choose(header, ALL)).as(String.valueOf(header)).isNull();
            assertThat(AcceptEncoding.ranked(header, ALL)).as(String.valueOf(header)).isEmpty();
        }
        assertThat(AcceptEncoding.choose("gzip, identity;q=0", ALL)).isEqualTo(GZIP);
    }

    @Test
    void rankedListsEveryAcceptedCodingBestFirst() {
        assertThat(AcceptEncoding.ranked("gzip;q=0.9, br, zstd;q=0.5", ALL)).containsExactly(BROTLI, GZIP, ZSTD);
        assertThat(AcceptEncoding.ranked("gzip, br", ALL)).containsExactly(BROTLI, GZIP);
        assertThat(AcceptEncoding.ranked("*, br;q=0", ALL)).containsExactly(ZSTD, GZIP);
    }

    @Test
    void mediaTypesMatchExactlyByTopLevelAndBySuffix() {
        MediaTypes types = new MediaTypes(List.of("text/*", "application/json", "application/*+xml"));
        assertThat(types.covers("text/html; charset=utf-8")).isTrue();
        assertThat(types.covers("TEXT/CSS")).isTrue();
        assertThat(types.covers("application/json;charset=UTF-8")).isTrue();
        assertThat(types.covers("application/atom+xml")).isTrue();
        assertThat(types.covers("application/jsonx")).isFalse();
        assertThat(types.covers("image/svg+xml")).isFalse();
        assertThat(types.covers("image/png")).isFalse();
        assertThat(types.covers("text")).isFalse();
        assertThat(types.covers(null)).isFalse();
    }
}
