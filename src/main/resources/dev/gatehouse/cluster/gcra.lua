-- One request against a GCRA bucket (see dev.gatehouse.limits.Gcra), atomically, on Redis's own clock so that
-- nodes with different clocks count alike. Times are microseconds: exact in Lua's doubles for centuries.
-- KEYS[1]: the bucket; ARGV[1]: interval, ARGV[2]: tolerance, ARGV[3]: "take" or "refund".
-- Returns the backlog the request saw (take) or 0 (refund). The bucket expires once it is as good as fresh.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]))
if ARGV[3] == 'refund' then
  if tat then
    tat = tat - interval
    if tat > now then
      redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
    else
      redis.call('DEL', KEYS[1])
    end
  end
  return 0
end
if not tat or tat < now then
  tat = now
end
local backlog = tat - now
if backlog <= tonumber(ARGV[2]) then
  tat = tat + interval
  redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
end
return backlog
