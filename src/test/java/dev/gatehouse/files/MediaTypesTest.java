package dev.gatehouse.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MediaTypesTest {

    @Test
    void knownUnknownAndEdgeNames() {
        assertThat(MediaTypes.forFileName("a.AVIF")).isEqualTo("image/avif");
        assertThat(MediaTypes.forFileName("bundle.js.map")).isEqualTo("application/json; charset=utf-8");
        assertThat(MediaTypes.forFileName("doc.pdf")).isEqualTo("application/pdf");
        assertThat(MediaTypes.forFileName("song.mp3")).isEqualTo("audio/mpeg");
        assertThat(MediaTypes.forFileName(".htaccess")).isEqualTo(MediaTypes.DEFAULT);
        assertThat(MediaTypes.forFileName("trailing.")).isEqualTo(MediaTypes.DEFAULT);
        assertThat(MediaTypes.forFileName("README")).isEqualTo(MediaTypes.DEFAULT);
    }
}
