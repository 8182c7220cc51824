-- Takes a lock when free. KEYS[1] the lock, KEYS[2] its fencing counter; ARGV[1] the holder's name, ARGV[2] the
-- expiry in ms. Returns the new fencing token (the lock's value is "token holder"), or 0 when someone holds it.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token .. ' ' .. ARGV[1], 'PX', ARGV[2])
return token
