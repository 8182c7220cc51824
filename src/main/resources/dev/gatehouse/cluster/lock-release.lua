-- Releases a lock its holder still has. KEYS[1] the lock; ARGV[1] the value it was taken with. Returns 1, or 0
-- when it had expired or was someone else's.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
