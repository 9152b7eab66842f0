-- Shared part of the outbox scripts (bot/durable/outbox.py prepends it to each one).
--
-- KEYS[1]: the desk's route key (never touched): it sends the script to the desk's Cluster node.
-- Every key is derived from the prefix (ARGV[1]), which carries the desk's hash tag:
--   out:j:<id>       HASH job: state (q queued, f in flight, d done, m merged into `into`), chat,
--                    prio, seq, kind (s send, e edit, t topic op), body (send, topic op), mid/text/kb
--                    (edit), attempts, resent, result (JSON, once done)
--   out:w:<id>       SET of "<worker>|<awaited id>": who waits for the job's result
--   out:q:<chat>     ZSET of a chat's queued job ids by priority, then arrival (prio * SCALE + seq)
--   out:ready        ZSET of chats that may send now by head priority, then turn (prio * SCALE + turn)
--   out:wait         ZSET of chats with jobs that may send later (paused or paced), by that time (ms)
--   out:busy         ZSET of chats with a send in flight, by lease expiry (ms)
--   out:inflight     HASH chat -> "<token>|<job id>" of the send in flight
--   out:turn         HASH chat -> its turn among chats of one priority (renewed after each send)
--   out:paused       HASH chat -> until when (ms) a 429 or a retry backoff holds it
--   out:edits        HASH "<chat>:<message id>" -> the queued edit of that message (coalescing)
--   out:shown:<chat>:<message id>  digest of the text and keyboard the last edit taken for sending
--                    gives that message (deleted when unknown: a keyboard-only edit, a failed one)
--   out:rate:<chat>  GCRA theoretical arrival time (ms) of a private chat; out:rate:all of the token
--   out:win:<chat>   ZSET of a group's sends in the last window (member: a seq, score: when, ms)
--   out:backlog      HASH "P<n>" -> queued jobs of that priority
--   out:seq          counter behind seq, turns and lease tokens
--   out:posted       HASH group chat -> messages the bot posted there (Telegram archives a forum's
--                    oldest messages near a million; the managers' summary warns before)
--   out:done:<worker> LIST of results for a worker's callers (JSON {"id", "r"}), expiring
-- ARGV[2..7]: the limits: global and private as GCRA emission interval and burst tolerance (ms),
-- a group as at most ARGV[4] sends in any ARGV[5] ms (Telegram counts a group's messages per minute).
-- Time is redis.call('TIME'), the one clock every worker shares.

local prefix = ARGV[1]
local GLOBAL_T, GLOBAL_TAU = tonumber(ARGV[2]), tonumber(ARGV[3])
local GROUP_N, GROUP_W = tonumber(ARGV[4]), tonumber(ARGV[5])
local PRIVATE_T, PRIVATE_TAU = tonumber(ARGV[6]), tonumber(ARGV[7])
local SCALE = 1e13

local READY, WAIT, BUSY = prefix .. "out:ready", prefix .. "out:wait", prefix .. "out:busy"
local INFLIGHT, TURN, PAUSED = prefix .. "out:inflight", prefix .. "out:turn", prefix .. "out:paused"
local EDITS, BACKLOG, SEQ = prefix .. "out:edits", prefix .. "out:backlog", prefix .. "out:seq"
local POSTED = prefix .. "out:posted"

local function job_key(id) return prefix .. "out:j:" .. id end
local function waiters_key(id) return prefix .. "out:w:" .. id end
local function queue_key(chat) return prefix .. "out:q:" .. chat end
local function rate_key(chat) return prefix .. "out:rate:" .. chat end
local function window_key(chat) return prefix .. "out:win:" .. chat end
local function shown_key(chat, mid) return prefix .. "out:shown:" .. chat .. ":" .. mid end

-- What an edit makes its message show: an edit equal to the last one taken changes nothing.
local function edit_digest(text, kb) return redis.sha1hex(text .. "\n" .. kb) end
local GLOBAL_RATE = prefix .. "out:rate:all"

local function clock_ms()
  local t = redis.call("TIME")
  return tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end

local function fmt(x) return string.format("%.17g", x) end

-- GCRA (as redis-cell): the earliest instant one more request conforms.
local function gcra_at(key, tau, now)
  local tat = tonumber(redis.call("GET", key) or "0")
  if tat < now then tat = now end
  local at = tat - tau
  if at < now then at = now end
  return at
end

local function gcra_spend(key, t, tau, now)
  local tat = tonumber(redis.call("GET", key) or "0")
  if tat < now then tat = now end
  local new = tat + t
  redis.call("SET", key, fmt(new), "PX", math.ceil(new - now + tau) + 1000)
end

local function background(prio) return prio > 4 end

-- A group's sliding window: the earliest instant one more send keeps at most `limit` in any
-- GROUP_W ms. Ticket sends (priorities 1-4) have the whole window; background edits (a relay's
-- growth, the queue board: priority 9) leave a quarter of it to them, and go at an even pace (see
-- chat_at), so a burst of them never leaves a card or an answer to an agent waiting for the
-- window to slide, and a flood's edits coalesce while they wait.
local function window_at(key, now, prio)
  local limit = GROUP_N
  if background(prio) then limit = math.max(1, GROUP_N - math.ceil(GROUP_N / 4)) end
  redis.call("ZREMRANGEBYSCORE", key, "-inf", fmt(now - GROUP_W))
  if redis.call("ZCARD", key) < limit then return now end
  local oldest = redis.call("ZRANGE", key, -limit, -limit, "WITHSCORES")
  return math.max(now, tonumber(oldest[2]) + GROUP_W)
end

local function window_spend(key, now)
  redis.call("ZADD", key, fmt(now), redis.call("INCR", SEQ))
  redis.call("PEXPIRE", key, math.ceil(GROUP_W) + 1000)
end

local function is_group(chat) return tonumber(chat) < 0 end

-- When a chat whose next job has priority `prio` may send: after its pause and within its rate.
local function chat_at(chat, now, prio)
  local at
  if is_group(chat) then
    at = window_at(window_key(chat), now, prio)
    if background(prio) then at = math.max(at, gcra_at(rate_key(chat), 0, now)) end
  else
    at = gcra_at(rate_key(chat), PRIVATE_TAU, now)
  end
  local paused = redis.call("HGET", PAUSED, chat)
  if paused then
    paused = tonumber(paused)
    if paused <= now then
      redis.call("HDEL", PAUSED, chat)
    elseif paused > at then
      at = paused
    end
  end
  return at
end

-- Put a chat where its head job belongs: ready (by priority, then turn), waiting, or nowhere.
local function announce(chat, now)
  if redis.call("ZSCORE", BUSY, chat) then return end
  local head = redis.call("ZRANGE", queue_key(chat), 0, 0, "WITHSCORES")
  if #head == 0 then
    redis.call("ZREM", READY, chat)
    redis.call("ZREM", WAIT, chat)
    redis.call("HDEL", TURN, chat)
    return
  end
  local prio = math.floor(tonumber(head[2]) / SCALE)
  local at = chat_at(chat, now, prio)
  if at > now then
    redis.call("ZREM", READY, chat)
    redis.call("ZADD", WAIT, fmt(at), chat)
    return
  end
  redis.call("ZREM", WAIT, chat)
  local turn = redis.call("HGET", TURN, chat)
  if not turn then
    turn = redis.call("INCR", SEQ)
    redis.call("HSET", TURN, chat, turn)
  end
  redis.call("ZADD", READY, fmt(prio * SCALE + tonumber(turn)), chat)
end

local function add_waiter(target, entry, ttl)
  local key = waiters_key(target)
  redis.call("SADD", key, entry)
  redis.call("EXPIRE", key, ttl)
end

-- Follow merged edits to the job that will carry their content.
local function resolve(id)
  for _ = 1, 32 do
    local state, into = unpack(redis.call("HMGET", job_key(id), "state", "into"))
    if state ~= "m" then return id, state end
    id = into
  end
  return id, nil
end

-- A job taken for sending goes back to its place in its chat's queue; an edit whose message got
-- a newer queued edit meanwhile is merged into that one instead (the newest content wins).
local function requeue(id, chat, ttl)
  local key = job_key(id)
  local prio, seq, kind, mid = unpack(redis.call("HMGET", key, "prio", "seq", "kind", "mid"))
  if kind == "e" then
    local edit = chat .. ":" .. mid
    local pending = redis.call("HGET", EDITS, edit)
    if pending and pending ~= id and redis.call("EXISTS", job_key(pending)) == 1 then
      if redis.call("HGET", job_key(pending), "text") == "null" then
        redis.call("HSET", job_key(pending), "text", redis.call("HGET", key, "text"))
      end
      for _, entry in ipairs(redis.call("SMEMBERS", waiters_key(id))) do
        add_waiter(pending, entry, ttl)
      end
      redis.call("DEL", waiters_key(id))
      redis.call("HSET", key, "state", "m", "into", pending)
      return
    end
    redis.call("HSET", EDITS, edit, id)
  end
  redis.call("HSET", key, "state", "q")
  redis.call("ZADD", queue_key(chat), fmt(tonumber(prio) * SCALE + tonumber(seq)), id)
  redis.call("HINCRBY", BACKLOG, "P" .. prio, 1)
end

local function backlog_total()
  local total = 0
  for _, count in ipairs(redis.call("HVALS", BACKLOG)) do total = total + tonumber(count) end
  return total
end

-- Take the best job any chat may send now, for `worker` (the take script, and the ack script for
-- the worker's next job). First frees the chats whose worker let its lease expire (their job goes
-- back to its place, to be sent again), then moves chats whose pause or pacing is over to the
-- ready set. Returns {"job", id, chat, token, kind, body, mid, text, kb, attempts, resent,
-- reclaimed, backlog} or {"wait", ms (or "-1": nothing queued anywhere), jobs re-queued from
-- expired leases, backlog}, backlog being the jobs queued for the desk.
local function take(worker, lease, ttl, now)
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
    local top = redis.call("ZRANGE", READY, 0, 0, "WITHSCORES")
    if #top == 0 then break end
    local chat = top[1]
    local at = chat_at(chat, now, math.floor(tonumber(top[2]) / SCALE))
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
          gcra_spend(GLOBAL_RATE, GLOBAL_T, GLOBAL_TAU, now)
          if is_group(chat) then
            window_spend(window_key(chat), now)
            if background(prio) then gcra_spend(rate_key(chat), GROUP_W / GROUP_N, 0, now) end
          else
            gcra_spend(rate_key(chat), PRIVATE_T, PRIVATE_TAU, now)
          end
          local token = redis.call("INCR", SEQ) .. "|" .. id
          redis.call("ZREM", READY, chat)
          redis.call("ZADD", BUSY, fmt(now + lease), chat)
          redis.call("HSET", INFLIGHT, chat, token)
          redis.call("HSET", key, "state", "f", "worker", worker)
          local f = redis.call("HMGET", key, "kind", "body", "mid", "text", "kb", "attempts", "resent")
          if f[1] == "e" then
            local edit = chat .. ":" .. f[3]
            if redis.call("HGET", EDITS, edit) == id then redis.call("HDEL", EDITS, edit) end
            if f[4] == "null" then
              redis.call("DEL", shown_key(chat, f[3]))
            else
              redis.call("SET", shown_key(chat, f[3]), edit_digest(f[4], f[5]), "EX", ttl)
            end
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
end
