
-- Record what became of a job a worker took (bot/durable/outbox.py).
-- ARGV[8] job id, ARGV[9] chat, ARGV[10] lease token from the take, ARGV[11] worker,
-- ARGV[12] outcome: "done" (ARGV[13] the result JSON) or "requeue" (ARGV[13] pause of the chat
-- in ms), ARGV[14] TTL of the result (s), ARGV[15] "1" to count an attempt (backoff grows),
-- ARGV[16] "1" to count a re-send (the job was handed back unacknowledged), ARGV[17] the lease
-- (ms) of the worker's next job, taken in the same step (`take`), or "" to take none.
-- A result is recorded once: a late duplicate keeps the first; a message delivered to a group
-- counts once in `out:posted`. Waiters on other workers get it pushed to their
-- `out:done:<worker>` list; this worker's own waiters are returned: {next job (as `take` returns
-- it, or an empty list), result, awaited ids...} (only the next job after "requeue").

local id, chat, token, worker, outcome = ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12]
local ttl = tonumber(ARGV[14])
local key = job_key(id)
local now = clock_ms()

local function take_next()
  if ARGV[17] == "" then return {} end
  return take(worker, tonumber(ARGV[17]), ttl, now)
end

local mine = redis.call("HGET", INFLIGHT, chat) == token
if mine then
  redis.call("HDEL", INFLIGHT, chat)
  redis.call("ZREM", BUSY, chat)
end
local state = redis.call("HGET", key, "state")

if outcome == "requeue" then
  if mine and state == "f" then
    local pause = tonumber(ARGV[13])
    if pause > 0 then
      local until_ms = now + pause
      local paused = tonumber(redis.call("HGET", PAUSED, chat) or "0")
      if until_ms > paused then redis.call("HSET", PAUSED, chat, fmt(until_ms)) end
    end
    if ARGV[15] == "1" then redis.call("HINCRBY", key, "attempts", 1) end
    if ARGV[16] == "1" then redis.call("HINCRBY", key, "resent", 1) end
    requeue(id, chat, ttl)
  end
  announce(chat, now)
  return {take_next()}
end

local result = ARGV[13]
if state == "d" then
  result = redis.call("HGET", key, "result")
elseif state == "q" or state == "f" then
  if state == "q" then
    local prio = redis.call("HGET", key, "prio")
    if redis.call("ZREM", queue_key(chat), id) == 1 then redis.call("HINCRBY", BACKLOG, "P" .. prio, -1) end
    local mid = redis.call("HGET", key, "mid")
    if redis.call("HGET", EDITS, chat .. ":" .. mid) == id then redis.call("HDEL", EDITS, chat .. ":" .. mid) end
  end
  redis.call("HSET", key, "state", "d", "result", result)
  redis.call("EXPIRE", key, ttl)
  if string.find(result, '^{"error"') and redis.call("HGET", key, "kind") == "e" then
    redis.call("DEL", shown_key(chat, redis.call("HGET", key, "mid")))  -- the message kept its old text
  end
  if tonumber(chat) < 0 and redis.call("HGET", key, "kind") == "s" and string.find(result, '^{"id"') then
    redis.call("HINCRBY", POSTED, chat, 1)
  end
end

local reply = {result}
for _, entry in ipairs(redis.call("SMEMBERS", waiters_key(id))) do
  local who, awaited = string.match(entry, "^([^|]*)|(.*)$")
  if who == worker then
    reply[#reply + 1] = awaited
  else
    local done = prefix .. "out:done:" .. who
    redis.call("RPUSH", done, cjson.encode({id = awaited, r = result}))
    redis.call("EXPIRE", done, 300)
  end
end
redis.call("DEL", waiters_key(id))

if mine then
  redis.call("HSET", TURN, chat, redis.call("INCR", SEQ))
end
announce(chat, now)
table.insert(reply, 1, take_next())
return reply
