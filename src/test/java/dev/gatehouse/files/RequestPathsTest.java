package dev.gatehouse.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestPathsTest {

    @Test
    void decodesSegmentsAndDropsEmptyOnes() {
        assertThat(RequestPaths.decode("/")).contains(List.of());
        assertThat(RequestPaths.decode("//a///b%20c/")).contains(List.of("a", "b c"));
        assertThat(RequestPaths.decode("/caf%C3%A9")).contains(List.of("caf\u00e9"));
        assertThat(RequestPaths.decode("/caf\u00c3\u00a9")).as("raw UTF-8 read as ISO-8859-1").contains(List.of("caf\u00e9"));
        assertThat(RequestPaths.decode("/a+b")).contains(List.of("a+b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "/..", "/a/../b", "/.", "/%2e%2E", "/a%2fb", "/a%5Cb", "/a\\b", "/a%00",
            "/%", "/%4", "/%g0", "/%ff", "/%c3", "/\u0100"})
    void refusesUnsafeOrMalformed(String raw) {
        assertThat(RequestPaths.decode(raw)).isEmpty();
    }

    @Test
    void encodeKeepsPcharAndEscapesTheRest() {
        assertThat(RequestPaths.encode(List.of("a b", "caf\u00e9", "x:y@z", "?#%"))).isEqualTo("/a%20b/caf%C3%A9/x:y@z/%3F%23%25");
    }

    @Test
    void lookupResultsForFilesDirectoriesAndMisses(@TempDir Path temp) throws Exception {
        Path root = Files.createDirectory(temp.resolve("root"));
        Files.writeString(Files.createDirectory(root.resolve("d")).resolve("index.html"), "i");
        Files.writeString(root.resolve("f.txt"), "f");

        assertThat(RequestPaths.lookup(root, "index.html", "/f.txt")).isInstanceOf(RequestPaths.Found.class);
        assertThat(RequestPaths.lookup(root, "index.html", "/d")).isEqualTo(new RequestPaths.AddSlash("/d/"));
        assertThat(((RequestPaths.Found) RequestPaths.lookup(root, "index.html", "/d/")).file().getFileName())
                .hasToString("index.html");
        assertThat(RequestPaths.lookup(root, "index.html", "/missing")).isInstanceOf(RequestPaths.Refused.class)
                .extracting(l -> ((RequestPaths.Refused) l).status()).isEqualTo(404);
        assertThat(RequestPaths.lookup(root, "index.html", "/f.txt/x"))
                .extracting(l -> ((RequestPaths.Refused) l).status()).isEqualTo(404);
    }

    @Test
    void fileBodyFailsInsteadOfSpinningWhenFileShrinks(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("shrinking.bin");
        Files.write(file, new byte[StaticFiles.CHUNK_SIZE * 2]);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             FileChannel writer = FileChannel.open(file, StandardOpenOption.WRITE)) {
            StaticFiles.FileBody body = new StaticFiles.FileBody(channel, 0, StaticFiles.CHUNK_SIZE * 2L);
            ByteBuf first = body.readChunk(UnpooledByteBufAllocator.DEFAULT);
            assertThat(first.readableBytes()).isEqualTo(StaticFiles.CHUNK_SIZE);
            first.release();
            writer.truncate(StaticFiles.CHUNK_SIZE);

            assertThatThrownBy(() -> body.readChunk(UnpooledByteBufAllocator.DEFAULT)).isInstanceOf(EOFException.class);
        }
    }
}
