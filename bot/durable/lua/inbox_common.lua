-- Shared part of the inbox scripts that lease chats (bot/durable/inbox.py prepends it to
-- inbox_take.lua and inbox_done.lua). Keys are derived from the inbox prefix, which carries the
-- desk's hash tag: q:<chat> (a chat's events), ready:<lane> (ZSET of ready chats by turn), lease
-- (ZSET of leased chats by expiry, ms), owner (HASH chat -> worker), seq (turn counter).

-- Lease up to `count` ready chats of `lane` to `worker`, after giving back the chats whose
-- worker's lease ran out (it died or lost Redis): they go first, ahead of every ready chat of
-- their lane. Returns the number of chats given back and {chat, head entry, chat, head entry, ...}.
local function take(p, worker, lease_ms, lane, count, now)
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
  if count < 1 then
    return #expired, taken
  end
  local popped = redis.call("ZPOPMIN", p .. "ready:" .. lane, count)
  for i = 1, #popped, 2 do
    local chat = popped[i]
    local head = redis.call("LINDEX", p .. "q:" .. chat, 0)
    if head then
      redis.call("ZADD", p .. "lease", now + lease_ms, chat)
      redis.call("HSET", p .. "owner", chat, worker)
      taken[#taken + 1] = chat
      taken[#taken + 1] = head
    end
  end
  return #expired, taken
end

local function clock_ms()
  local clock = redis.call("TIME")
  return tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
end
