-- Extend a worker's leases on the chats it is handling (a long handler keeps its chat).
--
-- KEYS[1]: the desk's route key.
-- ARGV[1] inbox prefix   ARGV[2] worker id   ARGV[3] lease (ms)   ARGV[4..] chat ids
-- Returns the chats the worker no longer holds (taken over after its lease ran out).
local p = ARGV[1]
local clock = redis.call("TIME")
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local lost = {}
for i = 4, #ARGV do
  if redis.call("HGET", p .. "owner", ARGV[i]) == ARGV[2] then
    redis.call("ZADD", p .. "lease", "XX", now + tonumber(ARGV[3]), ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost
