package dev.gatehouse.explain;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The request {@code gatehouse explain} is asked about: a method, an absolute URL, extra header lines and the client's
 * address. Built from what a user types, with a clear error for what cannot be a request.
 *
 * @param method      upper case
 * @param secure      whether the URL is https
 * @param authority   the URL's host and port as written (the Host header unless a header gives another)
 * @param port        the URL's port, or the scheme's default
 * @param target      path and query ({@code /a/b?x=1})
 * @param headers     extra header lines, as given
 * @param client      the client's address
 * @param clientGiven whether the address was given (else a documentation address stands for any client)
 */
public record ExplainRequest(String method, boolean secure, String authority, int port, String target,
                             List<Header> headers, InetAddress client, boolean clientGiven) {
    /** Stands for "any client on the internet" when no address is given: TEST-NET-1 (RFC 5737). */
    public static final String ANY_CLIENT = "192.0.2.10";
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** One header line. */
    public record Header(String name, String value) {
    }

    public ExplainRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(target, "target");
        headers = List.copyOf(headers);
        Objects.requireNonNull(client, "client");
    }

    /**
     * Reads what a user typed.
     *
     * @param url     {@code https://host[:port]/path?query}; without a scheme, https is meant
     * @param headers {@code "Name: value"} lines
     * @param client  an IP address, or empty for any client
     * @throws IllegalArgumentException saying what is wrong and what was expected
     */
    public static ExplainRequest parse(String method, String url, List<String> headers, Optional<String> client) {
        String m = method.toUpperCase(Locale.ROOT);
        if (!TOKEN.matcher(m).matches()) {
            throw new IllegalArgumentException("method \"" + method + "\" is not an HTTP method (expected: like GET)");
        }
        String full = url.contains("://") ? url : "https://" + url;
        URI uri;
        try {
            uri = new URI(full);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("\"" + url + "\" is not a URL: " + e.getReason()
                    + " (expected: like https://example.com/path)");
        }
        String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("\"" + url + "\": scheme " + scheme + " (expected: http or https)");
        }
        if (uri.getRawAuthority() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("\"" + url + "\" has no host (expected: like https://example.com/path)");
        }
        boolean secure = scheme.equals("https");
        int port = uri.getPort() >= 0 ? uri.getPort() : secure ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        List<Header> lines = new ArrayList<>();
        for (String h : headers) {
            int colon = h.indexOf(':');
            String name = colon > 0 ? h.substring(0, colon).strip() : "";
            if (!TOKEN.matcher(name).matches()) {
                throw new IllegalArgumentException("header \"" + h + "\" (expected: \"Name: value\")");
            }
            lines.add(new Header(name, h.substring(colon + 1).strip()));
        }
        InetAddress address = address(client.orElse(ANY_CLIENT));
        return new ExplainRequest(m, secure, uri.getRawAuthority(), port, target, lines, address, client.isPresent());
    }

    private static InetAddress address(String text) {
        String ip = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!NetUtil.isValidIpV4Address(ip) && !NetUtil.isValidIpV6Address(ip)) {
            throw new IllegalArgumentException("client \"" + text + "\" is not an IP address (expected: like "
                    + "203.0.113.7 or 2001:db8::1)");
        }
        try {
            return InetAddress.getByName(ip); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("client \"" + text + "\" is not an IP address", e);
        }
    }

    /** The URL as it was understood. */
    public String url() {
        return (secure ? "https" : "http") + "://" + authority + target;
    }

    /** The request head Gatehouse would receive: origin-form target, Host from the URL unless a header gives one. */
    public HttpRequest head() {
        HttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.HOST, authority);
        for (Header line : headers) {
            if (line.name().equalsIgnoreCase("host")) {
                h.set(HttpHeaderNames.HOST, line.value());
            } else {
                h.add(line.name(), line.value());
            }
        }
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), target, h);
    }
}
