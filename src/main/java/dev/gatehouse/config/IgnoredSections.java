package dev.gatehouse.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Sections users may already write but the model does not hold yet ({@code acme}, {@code storage},
 * {@code admin}): checked for shape now, so a config that validates today keeps validating once they are read.
 */
final class IgnoredSections {
    private static final List<String> ACME_KEYS = List.of("directory", "trust");
    private static final List<String> ADMIN_KEYS = List.of("listen");

    private final Values values;

    IgnoredSections(Values values) {
        this.values = values;
    }

    void check(YamlMap root) {
        root.get("acme").flatMap(n -> YamlMap.fields(n, "acme", ACME_KEYS, values.problems())).ifPresent(acme -> {
            values.string(acme, "directory").ifPresent(url -> checkHttpUrl(acme, url));
            values.string(acme, "trust");
        });
        values.string(root, "storage");
        root.get("admin").flatMap(n -> YamlMap.fields(n, "admin", ADMIN_KEYS, values.problems()))
                .ifPresent(admin -> values.string(admin, "listen")
                        .ifPresent(a -> values.parsed(admin.get("listen").orElseThrow(), admin.path("listen"), a,
                                HostPort::parse)));
    }

    private void checkHttpUrl(YamlMap acme, String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // Reported below, the same way as a URL with the wrong scheme.
        }
        values.problems().at(acme.get("directory").orElseThrow(), acme.path("directory"),
                "\"" + url + "\" is not an http(s) URL (expected: like https://acme-v02.api.letsencrypt.org/directory)");
    }
}
