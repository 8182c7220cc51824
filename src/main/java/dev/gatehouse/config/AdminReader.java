package dev.gatehouse.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/** Reads {@code admin: { listen: host:port }}; only loopback addresses are accepted for now. */
final class AdminReader {
    private static final List<String> ADMIN_KEYS = List.of("listen");

    private final Values values;

    AdminReader(Values values) {
        this.values = values;
    }

    Optional<Admin> read(YamlMap root) {
        return root.get("admin").flatMap(n -> YamlMap.fields(n, "admin", ADMIN_KEYS, values.problems()))
                .flatMap(admin -> values.string(admin, "listen")
                        .flatMap(a -> values.parsed(admin.get("listen").orElseThrow(), admin.path("listen"), a,
                                AdminReader::loopback)));
    }

    private static Admin loopback(String text) {
        HostPort hp = HostPort.parse(text, 0);
        if (!isLoopback(hp.host())) {
            throw new IllegalArgumentException("\"" + text + "\" is not a loopback address (expected: like "
                    + "127.0.0.1:2019 or [::1]:2019; other addresses need a bearer token, which is not available "
                    + "yet: until then reach the admin API over SSH or a sidecar)");
        }
        return new Admin(hp.host(), hp.port());
    }

    /** {@code localhost} or a loopback IP literal; other names are refused without a DNS lookup. */
    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+") && host.indexOf(':') < 0) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
