-- Deletes a storage key, or every key below it. KEYS[1] the index, KEYS[2] the meta hash, KEYS[3] the change
-- counter; ARGV[1] the key, ARGV[2] the prefix of the value keys in Redis. Returns how many keys were deleted.
local deleted = 0
local function drop(key)
  redis.call('DEL', ARGV[2] .. key)
  redis.call('HDEL', KEYS[2], key)
  redis.call('ZREM', KEYS[1], key)
  deleted = deleted + 1
end
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  drop(ARGV[1])
end
local below = redis.call('ZRANGEBYLEX', KEYS[1], '[' .. ARGV[1] .. '/', '(' .. ARGV[1] .. '0')
for _, key in ipairs(below) do
  drop(key)
end
if deleted > 0 then
  redis.call('INCR', KEYS[3])
end
return deleted
