-- A worker is done with a chat's head event (ARGV[4] its update id): remove it and make the chat
-- ready again if more events wait. With ARGV[4] "" the worker hands the chat back unhandled (it is
-- shutting down): the event stays and the chat goes first in its lane.
--
-- KEYS[1]: the desk's route key.
-- ARGV[1] inbox prefix   ARGV[2] worker id   ARGV[3] chat id   ARGV[4] update id or ""
-- Returns 1, or 0 when the worker no longer holds the chat (its lease ran out and the chat was
-- given to another worker, who handles the event again: its effects are replayed, not repeated).
local p, chat = ARGV[1], ARGV[3]
if redis.call("HGET", p .. "owner", chat) ~= ARGV[2] then
  return 0
end
local queue = p .. "q:" .. chat
local score = 0
if ARGV[4] ~= "" then
  local head = redis.call("LINDEX", queue, 0)
  local mark = ARGV[4] .. "|"
  if head and string.sub(head, 2, #mark + 1) == mark then
    redis.call("LPOP", queue)
  end
  score = redis.call("INCR", p .. "seq")
end
redis.call("ZREM", p .. "lease", chat)
redis.call("HDEL", p .. "owner", chat)
local head = redis.call("LINDEX", queue, 0)
if head then
  redis.call("ZADD", p .. "ready:" .. string.sub(head, 1, 1), score, chat)
end
return 1
