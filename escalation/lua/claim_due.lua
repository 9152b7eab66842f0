-- Take the SLA entries due by now, atomically: whoever removes an entry owns its ping, so any
-- number of workers ticking at once never act on the same entry twice.
-- KEYS[1] the SLA index (ZSET); ARGV[1] now; ARGV[2] the most entries to take.
-- Returns a flat list: member, score, member, score, ...
local due = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", ARGV[1], "WITHSCORES", "LIMIT", 0, ARGV[2])
for i = 1, #due, 2 do
  redis.call("ZREM", KEYS[1], due[i])
end
return due
