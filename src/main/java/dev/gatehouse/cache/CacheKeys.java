package dev.gatehouse.cache;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Primary cache keys (RFC 9111 §2): the target URI, {@code scheme://host/path?query}, with the host lower-cased and
 * the port left out (a site is served on one port per scheme). GET and HEAD share a key: a HEAD is answered from a
 * stored GET (§4.3.5 of RFC 9110's HEAD).
 */
public final class CacheKeys {
    private CacheKeys() {
    }

    /** The key of a request for {@code host} (lower case, no port) with request-target {@code uri}. */
    public static String of(boolean secure, String host, String uri) {
        String pathAndQuery = uri;
        if (!uri.startsWith("/")) {
            int scheme = uri.indexOf("://");
            if (scheme > 0) { // absolute-form: the authority was taken as the host already
                int slash = uri.indexOf('/', scheme + 3);
                int query = uri.indexOf('?', scheme + 3);
                int start = slash < 0 ? query : (query < 0 ? slash : Math.min(slash, query));
                pathAndQuery = start < 0 ? "/" : (uri.charAt(start) == '?' ? "/" + uri.substring(start)
                        : uri.substring(start));
            } else if (uri.equals("*")) {
                pathAndQuery = "*";
            } else {
                pathAndQuery = "/" + uri;
            }
        }
        int hash = pathAndQuery.indexOf('#');
        if (hash >= 0) {
            pathAndQuery = pathAndQuery.substring(0, hash);
        }
        return (secure ? "https://" : "http://") + host + pathAndQuery;
    }

    /**
     * The key a {@code Location} or {@code Content-Location} value names, resolved against the request's key; empty
     * when it is not a URI or names another host (RFC 9111 §4.4: only the same origin may be invalidated).
     */
    public static Optional<String> sameOrigin(String requestKey, String reference) {
        try {
            URI base = new URI(requestKey);
            URI target = base.resolve(new URI(reference.trim()));
            if (target.getHost() == null || !target.getHost().equalsIgnoreCase(base.getHost())
                    || !base.getScheme().equalsIgnoreCase(target.getScheme())) {
                return Optional.empty();
            }
            String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
            String query = target.getRawQuery() == null ? "" : "?" + target.getRawQuery();
            return Optional.of(base.getScheme() + "://" + target.getHost().toLowerCase(Locale.ROOT) + path + query);
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The same URL under the other scheme: a purge by URL covers both (one site is usually served on both). */
    public static String otherScheme(String key) {
        return key.startsWith("https://") ? "http://" + key.substring(8)
                : key.startsWith("http://") ? "https://" + key.substring(7) : key;
    }
}
