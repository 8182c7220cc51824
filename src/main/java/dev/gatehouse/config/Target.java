package dev.gatehouse.config;

/**
 * One upstream target, written {@code host:port} or {@code { address: host:port, weight: 100 }}.
 *
 * @param host   host name or IP literal (IPv6 without brackets)
 * @param port   1..65535
 * @param weight 0..1000 (default 100; 0 parks the target)
 */
public record Target(String host, int port, int weight) {
    public static final int DEFAULT_WEIGHT = 100;
    public static final int MAX_WEIGHT = 1000;

    /** {@code host:port}, with brackets around IPv6 literals. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
