-- Extends a lock its holder still has. KEYS[1] the lock; ARGV[1] the value it was taken with, ARGV[2] the expiry in
-- ms. Returns 1, or 0 when the lock expired or someone else has it now.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
