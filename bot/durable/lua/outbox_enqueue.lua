
-- Enqueue one send or edit, once per job id (bot/durable/outbox.py).
-- ARGV[8] job id, ARGV[9] chat, ARGV[10] priority, ARGV[11] kind ("s" send, "e" edit, "t" topic op),
-- ARGV[12] waiter "<worker>|<job id>", ARGV[13] TTL of the job and its result (s),
-- ARGV[14] body (send: the message's JSON), ARGV[15] message id (edit), ARGV[16] text JSON (edit),
-- ARGV[17] "1" when the edit keeps a queued edit's text, ARGV[18] keyboard JSON (edit).
-- Returns {"done", result} when the job (or the edit it was merged into) already has its
-- result, else {"queued"}: the waiter is told when the result is recorded.

local id, chat, prio, kind = ARGV[8], ARGV[9], ARGV[10], ARGV[11]
local waiter, ttl = ARGV[12], tonumber(ARGV[13])
local key = job_key(id)

if redis.call("EXISTS", key) == 1 then
  local target, state = resolve(id)
  if state == "d" then return {"done", redis.call("HGET", job_key(target), "result")} end
  if state == nil then return {"done", '{"error":"TelegramError","message":"the job expired"}'} end
  add_waiter(target, waiter, ttl)
  return {"queued"}
end

local now = clock_ms()
if kind == "e" then
  local edit = chat .. ":" .. ARGV[15]
  local pending = redis.call("HGET", EDITS, edit)
  if pending and redis.call("EXISTS", job_key(pending)) == 1 then
    if ARGV[17] ~= "1" then redis.call("HSET", job_key(pending), "text", ARGV[16]) end
    redis.call("HSET", job_key(pending), "kb", ARGV[18])
    redis.call("HSET", key, "state", "m", "into", pending)
    redis.call("EXPIRE", key, ttl)
    add_waiter(pending, waiter, ttl)
    return {"queued"}
  end
  redis.call("HSET", EDITS, edit, id)
end

local seq = redis.call("INCR", SEQ)
redis.call("HSET", key, "state", "q", "chat", chat, "prio", prio, "seq", seq, "kind", kind,
  "body", ARGV[14], "mid", ARGV[15], "text", ARGV[16], "kb", ARGV[18], "attempts", 0, "resent", 0)
redis.call("EXPIRE", key, ttl)
redis.call("ZADD", queue_key(chat), fmt(tonumber(prio) * SCALE + seq), id)
redis.call("HINCRBY", BACKLOG, "P" .. prio, 1)
add_waiter(id, waiter, ttl)
announce(chat, now)
return {"queued"}
