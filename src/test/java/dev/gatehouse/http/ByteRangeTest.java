package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRangeTest {

    @ParameterizedTest
    @CsvSource({
            "bytes=0-0, 0, 1",
            "bytes=0-99, 0, 100",
            "bytes=10-, 10, 90",
            "bytes=-10, 90, 10",
            "bytes=-1000, 0, 100",
            "bytes=90-1000, 90, 10",
            "BYTES = 5-6, 5, 2",
            "bytes=99-99999999999999999999999, 99, 1",
    })
    void singleRanges(String header, long first, long length) {
        assertThat(ByteRange.select(header, 100)).isEqualTo(new ByteRange.Part(new ByteRange(first, length)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=100-", "bytes=100-200", "bytes=-0", "bytes=99999999999999999999999-"})
    void unsatisfiable(String header) {
        assertThat(ByteRange.select(header, 100)).isInstanceOf(ByteRange.Unsatisfiable.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=0-1,5-6", "bytes=5-1", "bytes=", "bytes=-", "bytes=a-b", "bytes=1", "lines=0-1", "0-1", "bytes=+1-2"})
    void multipleOrInvalidMeansWhole(String header) {
        assertThat(ByteRange.select(header, 100)).isInstanceOf(ByteRange.Whole.class);
    }

    @Test
    void absentHeaderAndEmptyFile() {
        assertThat(ByteRange.select(null, 100)).isInstanceOf(ByteRange.Whole.class);
        assertThat(ByteRange.select("bytes=-5", 0)).isInstanceOf(ByteRange.Whole.class);
        assertThat(ByteRange.select("bytes=0-", 0)).isInstanceOf(ByteRange.Unsatisfiable.class);
    }

    @Test
    void contentRange() {
        assertThat(new ByteRange(90, 10).contentRange(100)).isEqualTo("bytes 90-99/100");
    }
}
