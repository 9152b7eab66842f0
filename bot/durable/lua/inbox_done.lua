
-- A worker is done with a chat's head event (ARGV[4] its update id): remove it and make the chat
-- ready again if more events wait. With ARGV[4] "" the worker hands the chat back unhandled (it is
-- shutting down): the event stays and the chat goes first in its lane. With ARGV[6] a lane, the
-- same step leases the worker its next ready chat of that lane (`take` in inbox_common.lua), so a
-- busy worker goes from one chat to the next in one round trip.
--
-- KEYS[1]: the desk's route key.
-- ARGV[1] inbox prefix   ARGV[2] worker id   ARGV[3] chat id   ARGV[4] update id or ""
-- ARGV[5] the update's effects record (escalation/effects.py), deleted with the event: nothing
--         handles the update again, so nothing would replay from it
-- ARGV[6] lane to take the next chat from, or ""   ARGV[7] lease (ms) of that chat
-- Returns {held, chats taken over from expired leases, {chat, head entry}}: held is 0 when the
-- worker no longer held the chat (its lease ran out and the chat was given to another worker, who
-- handles the event again: its effects are replayed, not repeated), else 1.
local p, chat = ARGV[1], ARGV[3]
local held = 0
if redis.call("HGET", p .. "owner", chat) == ARGV[2] then
  held = 1
  local queue = p .. "q:" .. chat
  local score = 0
  if ARGV[4] ~= "" then
    local head = redis.call("LINDEX", queue, 0)
    local mark = ARGV[4] .. "|"
    if head and string.sub(head, 2, #mark + 1) == mark then
      redis.call("LPOP", queue)
      redis.call("DEL", ARGV[5])
    end
    score = redis.call("INCR", p .. "seq")
  end
  redis.call("ZREM", p .. "lease", chat)
  redis.call("HDEL", p .. "owner", chat)
  local head = redis.call("LINDEX", queue, 0)
  if head then
    redis.call("ZADD", p .. "ready:" .. string.sub(head, 1, 1), score, chat)
  end
end
if ARGV[6] == "" then
  return {held, 0, {}}
end
local expired, taken = take(p, ARGV[2], tonumber(ARGV[7]), ARGV[6], 1, clock_ms())
return {held, expired, taken}
