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
        return tagged() + ":s:" + key;
    }

    /** A storage value's write time and size. */
    String meta(String key) {
        return tagged() + ":m:" + key;
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
