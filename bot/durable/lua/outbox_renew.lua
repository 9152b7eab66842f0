
-- Extend the leases of the sends a worker still has in flight (bot/durable/outbox.py).
-- ARGV[8] lease (ms), ARGV[9..] pairs of chat, lease token. A lease that already expired and
-- was taken over is left alone. Returns how many were renewed.

local lease = tonumber(ARGV[8])
local now = clock_ms()
local renewed = 0
for i = 9, #ARGV, 2 do
  local chat, token = ARGV[i], ARGV[i + 1]
  if redis.call("HGET", INFLIGHT, chat) == token then
    redis.call("ZADD", BUSY, fmt(now + lease), chat)
    renewed = renewed + 1
  end
end
return renewed
