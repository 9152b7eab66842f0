
-- Enqueue one send or edit, once per job id (bot/durable/outbox.py).
-- ARGV[8] job id, ARGV[9] chat, ARGV[10] priority, ARGV[11] kind ("s" send, "e" edit, "t" topic op),
-- ARGV[12] waiter "<worker>|<job id>", ARGV[13] TTL of the job and its result (s),
-- ARGV[14] body (send: the message's JSON), ARGV[15] message id (edit), ARGV[16] text JSON (edit),
-- ARGV[17] "1" when the edit keeps a queued edit's text, ARGV[18] keyboard JSON (edit).
-- ARGV[19] an idle sender's worker ("" for none) and ARGV[20] its lease (ms): the same step then
-- takes that worker's next job as `take` would (most urgent chat first, turns, limits, lease), so
-- an idle sender is handed its job without a take of its own.
-- Returns {"done", result} when the job (or the edit it was merged into) already has its
-- result, or is an edit that would change nothing (no edit of the message queued, and the last
-- one taken gave it the same text and keyboard), else {"queued", ""}: the waiter is told when
-- the result is recorded. With ARGV[19], a third element is the take's reply.

local id, chat, prio, kind = ARGV[8], ARGV[9], ARGV[10], ARGV[11]
local waiter, ttl = ARGV[12], tonumber(ARGV[13])
local key = job_key(id)
local now = clock_ms()

local function answer(status, result)
  if ARGV[19] == "" then return {status, result} end
  return {status, result, take(ARGV[19], tonumber(ARGV[20]), ttl, now)}
end

if redis.call("EXISTS", key) == 1 then
  local target, state = resolve(id)
  if state == "d" then return answer("done", redis.call("HGET", job_key(target), "result")) end
  if state == nil then return answer("done", '{"error":"TelegramError","message":"the job expired"}') end
  add_waiter(target, waiter, ttl)
  return answer("queued", "")
end

if kind == "e" then
  local edit = chat .. ":" .. ARGV[15]
  local pending = redis.call("HGET", EDITS, edit)
  if pending and redis.call("EXISTS", job_key(pending)) == 1 then
    if ARGV[17] ~= "1" then redis.call("HSET", job_key(pending), "text", ARGV[16]) end
    redis.call("HSET", job_key(pending), "kb", ARGV[18])
    redis.call("HSET", key, "state", "m", "into", pending)
    redis.call("EXPIRE", key, ttl)
    add_waiter(pending, waiter, ttl)
    return answer("queued", "")
  end
  -- Nothing queued for the message, and the last edit taken for it gives it this very text and
  -- keyboard: sending it would cost the chat's budget for Telegram's "message is not modified".
  if ARGV[17] ~= "1" and ARGV[16] ~= "null"
      and redis.call("GET", shown_key(chat, ARGV[15])) == edit_digest(ARGV[16], ARGV[18]) then
    return answer("done", '{"id": ' .. ARGV[15] .. '}')
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
return answer("queued", "")
