-- Lease up to ARGV[5] ready chats of one lane to a worker, and give back the chats whose worker's
-- lease ran out (it died or lost Redis): they go first, ahead of every ready chat of their lane.
--
-- KEYS[1]: the desk's route key.
-- ARGV[1] inbox prefix   ARGV[2] worker id   ARGV[3] lease (ms)   ARGV[4] lane (f or n)
-- ARGV[5] most chats to take
-- Returns {chats taken over from expired leases, {chat, head entry, chat, head entry, ...}}.
local p = ARGV[1]
local clock = redis.call("TIME")
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local expired = redis.call("ZRANGEBYSCORE", p .. "lease", "-inf", now, "LIMIT", 0, 100)
for _, chat in ipairs(expired) do
  redis.call("ZREM", p .. "lease", chat)
  redis.call("HDEL", p .. "owner", chat)
  local head = redis.call("LINDEX", p .. "q:" .. chat, 0)
  if head then
    redis.call("ZADD", p .. "ready:" .. string.sub(head, 1, 1), 0, chat)
  end
end
local taken = {}
local popped = redis.call("ZPOPMIN", p .. "ready:" .. ARGV[4], ARGV[5])
for i = 1, #popped, 2 do
  local chat = popped[i]
  local head = redis.call("LINDEX", p .. "q:" .. chat, 0)
  if head then
    redis.call("ZADD", p .. "lease", now + tonumber(ARGV[3]), chat)
    redis.call("HSET", p .. "owner", chat, ARGV[2])
    taken[#taken + 1] = chat
    taken[#taken + 1] = head
  end
end
return {#expired, taken}
