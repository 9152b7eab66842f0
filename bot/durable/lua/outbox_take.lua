
-- Take the best job any chat may send now, for one worker (bot/durable/outbox.py).
-- ARGV[8] worker, ARGV[9] lease (ms), ARGV[10] TTL of a job (s).
-- First frees the chats whose worker let its lease expire (their job goes back to its place, to
-- be sent again), then moves chats whose pause or pacing is over to the ready set.
-- Returns {"job", id, chat, token, kind, body, mid, text, kb, attempts, resent, reclaimed, backlog} or
-- {"wait", ms (or "-1": nothing queued anywhere), jobs re-queued from expired leases, backlog},
-- backlog being the jobs queued for the desk.

local worker, lease = ARGV[8], tonumber(ARGV[9])
local now = clock_ms()
local ttl = tonumber(ARGV[10])

local reclaimed = 0
for _, chat in ipairs(redis.call("ZRANGEBYSCORE", BUSY, "-inf", fmt(now), "LIMIT", 0, 20)) do
  local held = redis.call("HGET", INFLIGHT, chat)
  redis.call("HDEL", INFLIGHT, chat)
  redis.call("ZREM", BUSY, chat)
  if held then
    local id = string.match(held, "^[^|]*|(.*)$")
    local key = job_key(id)
    if redis.call("HGET", key, "state") == "f" then
      redis.call("HINCRBY", key, "resent", 1)
      requeue(id, chat, ttl)
      reclaimed = reclaimed + 1
    end
  end
  announce(chat, now)
end

for _, chat in ipairs(redis.call("ZRANGEBYSCORE", WAIT, "-inf", fmt(now), "LIMIT", 0, 100)) do
  redis.call("ZREM", WAIT, chat)
  announce(chat, now)
end

for _ = 1, 64 do
  local top = redis.call("ZRANGE", READY, 0, 0)
  if #top == 0 then break end
  local chat = top[1]
  local at = chat_at(chat, now)
  if at > now then
    redis.call("ZREM", READY, chat)
    redis.call("ZADD", WAIT, fmt(at), chat)
  else
    local global_at = gcra_at(GLOBAL_RATE, GLOBAL_TAU, now)
    if global_at > now then return {"wait", fmt(global_at - now), reclaimed, backlog_total()} end
    local head = redis.call("ZRANGE", queue_key(chat), 0, 0, "WITHSCORES")
    if #head == 0 then
      announce(chat, now)
    else
      local id = head[1]
      local key = job_key(id)
      redis.call("ZREM", queue_key(chat), id)
      local prio = math.floor(tonumber(head[2]) / SCALE)
      redis.call("HINCRBY", BACKLOG, "P" .. prio, -1)
      if redis.call("EXISTS", key) == 0 then
        announce(chat, now)
      else
        local t, tau = chat_limits(chat)
        gcra_spend(GLOBAL_RATE, GLOBAL_T, GLOBAL_TAU, now)
        gcra_spend(rate_key(chat), t, tau, now)
        local token = redis.call("INCR", SEQ) .. "|" .. id
        redis.call("ZREM", READY, chat)
        redis.call("ZADD", BUSY, fmt(now + lease), chat)
        redis.call("HSET", INFLIGHT, chat, token)
        redis.call("HSET", key, "state", "f", "worker", worker)
        local f = redis.call("HMGET", key, "kind", "body", "mid", "text", "kb", "attempts", "resent")
        if f[1] == "e" then
          local edit = chat .. ":" .. f[3]
          if redis.call("HGET", EDITS, edit) == id then redis.call("HDEL", EDITS, edit) end
        end
        return {"job", id, chat, token, f[1], f[2], f[3], f[4], f[5], f[6], f[7], reclaimed, backlog_total()}
      end
    end
  end
end

local next_at = nil
local waiting = redis.call("ZRANGE", WAIT, 0, 0, "WITHSCORES")
if #waiting > 0 then next_at = tonumber(waiting[2]) end
local busy = redis.call("ZRANGE", BUSY, 0, 0, "WITHSCORES")
if #busy > 0 and (next_at == nil or tonumber(busy[2]) < next_at) then next_at = tonumber(busy[2]) end
if redis.call("ZCARD", READY) > 0 then next_at = now end
if next_at == nil then return {"wait", "-1", reclaimed, backlog_total()} end
local wait = next_at - now
if wait < 0 then wait = 0 end
return {"wait", fmt(wait), reclaimed, backlog_total()}
