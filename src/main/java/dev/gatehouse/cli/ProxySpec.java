package dev.gatehouse.cli;

import dev.gatehouse.config.HostPort;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * What {@code gatehouse proxy} serves, turned into the config a file would hold, so the proxy runs through exactly
 * the same loading, validation and defaults as {@code gatehouse run}.
 *
 * @param host      the site's name ({@code --from})
 * @param httpsPort the HTTPS port ({@code --from HOST:PORT}, default 443)
 * @param httpPort  the plain HTTP port (redirects and HTTP-01), empty for none
 * @param targets   the backends, {@code host:port}
 * @param addresses where to listen
 * @param storage   certificates, keys, the local CA
 * @param email     ACME account contact
 * @param internal  certificates from the local CA whatever the name
 * @param admin     the admin API's {@code host:port}, if any
 */
record ProxySpec(String host, int httpsPort, OptionalInt httpPort, List<String> targets, List<String> addresses,
                 Path storage, Optional<String> email, boolean internal, Optional<String> admin) {
    static final int DEFAULT_HTTPS = 443;
    static final int DEFAULT_HTTP = 80;

    /**
     * Reads {@code --from}: {@code HOST}, {@code HOST:PORT} or {@code https://HOST[:PORT][/]}.
     *
     * @return the host (lower case) and the HTTPS port
     * @throws IllegalArgumentException saying what was expected
     */
    static HostPort from(String text) {
        String t = text.strip();
        if (t.startsWith("http://")) {
            throw new IllegalArgumentException("--from " + text + ": Gatehouse serves the site over HTTPS (expected: "
                    + "a name like app.example.com or app.example.com:8443)");
        }
        t = t.replaceFirst("^https://", "").replaceFirst("/$", "");
        String host = t;
        int port = DEFAULT_HTTPS;
        int colon = t.lastIndexOf(':');
        if (colon > 0) {
            host = t.substring(0, colon);
            String p = t.substring(colon + 1);
            if (!p.matches("\\d{1,5}") || Integer.parseInt(p) > 65535) {
                throw new IllegalArgumentException("--from " + text + ": \"" + p + "\" is not a port (expected: "
                        + "1..65535, or 0 for any free one)");
            }
            port = Integer.parseInt(p);
        }
        if (!host.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
            throw new IllegalArgumentException("--from " + text + ": \"" + host + "\" is not a host name (expected: "
                    + "like app.example.com or localhost)");
        }
        return new HostPort(host.toLowerCase(Locale.ROOT), port);
    }

    /**
     * Reads {@code --to}: {@code HOST:PORT}, {@code http://HOST:PORT}, or a port alone for this machine.
     *
     * @return {@code host:port} as a target is written in a config
     * @throws IllegalArgumentException saying what was expected
     */
    static String to(String text) {
        String t = text.strip();
        if (t.startsWith("https://")) {
            throw new IllegalArgumentException("--to " + text + ": TLS to the backend needs a config file (an upstream "
                    + "with protocol: h2 and tls: { ca, server_name })");
        }
        t = t.replaceFirst("^http://", "").replaceFirst("/$", "");
        if (t.matches(":?\\d{1,5}")) {
            t = "127.0.0.1:" + t.replace(":", "");
        }
        try {
            HostPort hp = HostPort.parse(t);
            return hp.host().contains(":") ? "[" + hp.host() + "]:" + hp.port() : hp.host() + ":" + hp.port();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--to " + text + ": " + e.getMessage());
        }
    }

    /**
     * Where to listen when {@code --address} is not given: a name only this machine uses is served on loopback
     * (IPv6 too where the loopback has it), any other name on every address.
     */
    static List<String> defaultAddresses(String host) {
        if (!host.equals("localhost") && !host.endsWith(".localhost")) {
            return List.of("0.0.0.0");
        }
        List<String> out = new ArrayList<>(List.of("127.0.0.1"));
        try {
            if (NetworkInterface.getByInetAddress(InetAddress.getByName("::1")) != null) {
                out.add("::1");
            }
        } catch (SocketException | java.net.UnknownHostException e) {
            // no IPv6 loopback: IPv4 alone
        }
        return out;
    }

    /** The config file this proxy amounts to. Strings are written double-quoted, as JSON strings (valid YAML). */
    String yaml() {
        StringBuilder y = new StringBuilder();
        y.append("storage: ").append(quote(storage.toString())).append('\n');
        email.ifPresent(e -> y.append("email: ").append(quote(e)).append('\n'));
        y.append("listen: { https: ").append(httpsPort)
                .append(", http: ").append(httpPort.isPresent() ? String.valueOf(httpPort.getAsInt()) : "off")
                .append(", address: [").append(addresses.stream().map(ProxySpec::quote).collect(Collectors.joining(", ")))
                .append("] }\n");
        admin.ifPresent(a -> y.append("admin: { listen: ").append(quote(a)).append(" }\n"));
        y.append("sites:\n  ").append(quote(host)).append(":\n    upstream: proxy\n");
        if (internal) {
            y.append("    tls: internal\n");
        }
        y.append("upstreams:\n  proxy:\n    targets: [")
                .append(targets.stream().map(ProxySpec::quote).collect(Collectors.joining(", "))).append("]\n");
        return y.toString();
    }

    /** How the start line names it: {@code https://app.example.com -> 127.0.0.1:3000, 127.0.0.1:3001}. */
    String describe() {
        return "https://" + host + (httpsPort == DEFAULT_HTTPS ? "" : ":" + httpsPort) + " -> "
                + String.join(", ", targets);
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        // "${" in a path must stay literal: the loader expands ${VAR} in every value.
        for (char c : text.replace("${", "$${").toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
