package dev.gatehouse.cluster;

/**
 * Every Redis key and channel Gatehouse uses, in one place. Keys that scripts touch together share the hash tag
 * {@code {prefix}}, so the scripts also work on a Redis Cluster (where a script's keys must live in one slot); rate-limit
 * buckets and cached responses are one key per call and spread over the cluster.
 */
record ClusterKeys(String prefix) {

    private String tagged() {
        return "{" + prefix + "}";
    }

    /** The pub/sub channel every node listens to. */
    String events() {
        return prefix + ":events";
    }

    /** The ids of the nodes that sent a heartbeat recently. */
    String nodes() {
        return tagged() + ":nodes";
    }

    /** One node's heartbeat (a hash that expires when the node stops sending). */
    String node(String id) {
        return tagged() + ":node:" + id;
    }

    /** One rate limit's bucket. */
    String bucket(String limit, String key) {
        return prefix + ":rl:" + limit + ":" + key;
    }

    /** The targets registered through the admin API for {@code pool}: address to weight. */
    String targets(String pool) {
        return tagged() + ":targets:" + pool;
    }

    /** The pools that have registered targets. */
    String targetPools() {
        return tagged() + ":target-pools";
    }

    /** A storage value. */
    String value(String key) {
        return valuePrefix() + key;
    }

    /** What {@link #value} puts before the storage key. */
    String valuePrefix() {
        return tagged() + ":s:";
    }

    /** Every storage value's write time and size: storage key to {@code "millis size"}. */
    String meta() {
        return tagged() + ":meta";
    }

    /** One more at every storage write or delete: other nodes notice changes they missed by polling it. */
    String changes() {
        return tagged() + ":changes";
    }

    /** The HTTP-01 answers of orders in progress on any node: token to key authorization. */
    String http01() {
        return tagged() + ":http01";
    }

    /** The TLS-ALPN-01 challenge certificates of orders in progress on any node: name to PEM key and certificate. */
    String tlsAlpn01() {
        return tagged() + ":alpn";
    }

    /** Every storage key, sorted (for listing by prefix without SCAN). */
    String index() {
        return tagged() + ":index";
    }

    /** A lock's holder and token. */
    String lock(String name) {
        return tagged() + ":lock:" + name;
    }

    /** The fencing counter of a lock: one more every time it is taken. */
    String fence(String name) {
        return tagged() + ":fence:" + name;
    }

    /** The highest token that wrote under a lock: a write with a lower one is refused. */
    String fenceWritten(String name) {
        return tagged() + ":fenced:" + name;
    }

    /** A cached response. */
    String cached(String key) {
        return prefix + ":cache:" + key;
    }
}
