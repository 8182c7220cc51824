-- A node's heartbeat, replaced whole: KEYS[1] its hash, KEYS[2] the set of node ids; ARGV[1] its id, ARGV[2] the
-- expiry in ms, then field, value pairs.
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return 1
