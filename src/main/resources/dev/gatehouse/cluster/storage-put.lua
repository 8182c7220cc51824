-- Stores storage values at once. KEYS[1] the index (sorted set of every key), KEYS[2] the meta hash (key to
-- "millis size"), KEYS[3] the change counter, KEYS[4] a lock and KEYS[5] its highest written token (both only
-- checked when ARGV[1] is not empty), KEYS[6..] the value keys. ARGV[1] the writer's fencing token or "", ARGV[2]
-- the lock value it holds, then per value key: its storage key, its stored bytes, its size.
-- Returns the change counter, or an error when the fence refuses the write (nothing is written then).
if ARGV[1] ~= '' then
  if redis.call('GET', KEYS[4]) ~= ARGV[2] then
    return redis.error_reply('FENCED lock lost')
  end
  local written = tonumber(redis.call('GET', KEYS[5]) or '0')
  if written > tonumber(ARGV[1]) then
    return redis.error_reply('FENCED newer token ' .. written)
  end
  redis.call('SET', KEYS[5], ARGV[1])
end
local t = redis.call('TIME')
local millis = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 6, #KEYS do
  local a = 3 + (i - 6) * 3
  redis.call('SET', KEYS[i], ARGV[a + 1])
  redis.call('HSET', KEYS[2], ARGV[a], millis .. ' ' .. ARGV[a + 2])
  redis.call('ZADD', KEYS[1], 0, ARGV[a])
end
return redis.call('INCR', KEYS[3])
