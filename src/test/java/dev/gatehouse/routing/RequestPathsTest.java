package dev.gatehouse.routing;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The path a route is matched against: however a path is spelt, the same route must match it. */
class RequestPathsTest {

    @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
    @CsvSource(value = {
            "'',                    /",
            "/,                     /",
            "/a/b,                  /a/b",
            "/a/,                   /a/",
            "//a///b,               /a/b",
            "/a/./b,                /a/b",
            "/a/../b,               /b",
            "/../a,                 /a",
            "/../../..,             /",
            "/a/b/..,               /a/",
            "/a/b/.,                /a/b/",
            "/a/b/../../..,         /",
            "/.a/..b/...,           /.a/..b/...",
            "/%61pi/v1,             /api/v1",
            "/%2e%2e/a,             /a",
            "/%2E%2e/a,             /a",
            "/a/%2e/b,              /a/b",
            "/a%2Fb,                /a%2Fb",
            "/a%2fb/../c,           /c",
            "/%7e%5F%2D,            /~_-",
            "/%4a%4B,               /JK",
            "/a%20b,                /a%20b",
            "/%C3%A9,               /%C3%A9",
            "/%zz,                  /%zz",
            "/a%,                   /a%",
            "/a%4,                  /a%4",
            "/%41,                  /A",
            "/%2561,                /%2561",
            "/a/..;/b,              /a/..;/b",
    })
    void normalize(String raw, String expected) {
        assertThat(RequestPaths.normalize(raw)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
    @CsvSource({
            "/a/b?x=1,                  /a/b",
            "/a#frag,                   /a",
            "/a?b#c,                    /a",
            "/?,                        /",
            "http://example.test/x?y,   /x",
            "https://example.test,      /",
            "HTTP://example.test/a/b,   /a/b",
            "*,                         *",
    })
    void rawPath(String uri, String expected) {
        assertThat(RequestPaths.rawPath(uri)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "\"{0}\" twice")
    @CsvSource({"/a/../b/./c//d", "/%2e%2e/%61", "/x/y/..", "/"})
    void normalizingTwiceChangesNothing(String raw) {
        String once = RequestPaths.normalize(raw);
        assertThat(RequestPaths.normalize(once)).isEqualTo(once);
    }
}
