-- One customer burst, one message in the agents' group: the relay's state, shared by every worker.
--
-- A customer's follow-ups reach the agents as one relay message per burst, edited in place as it
-- grows (the latest words and how many messages came), instead of one group message each: the
-- group may receive about 20 messages a minute, and one flooding customer must not take them all.
-- A burst ends when an agent answers after it started or when it is `span` seconds old; the next
-- message then starts a new relay at the bottom of the group.
--
-- KEYS[1] the ticket's relay hash: mid (message id, "" while its post is on its way), n (messages),
--         started, head (the header chosen when it started), text (the latest words), cut ("1"
--         when older words were dropped to keep the text within `max` bytes)
-- ARGV[1] "add": ARGV[2] now, ARGV[3] span, ARGV[4] the ticket's last agent answer (0 for none),
--         ARGV[5] the message's text, ARGV[6] most bytes of text kept, ARGV[7] the header of a new
--         relay, ARGV[8] TTL of the state (s), ARGV[9] "1" to start a new relay whatever the state
--         (a reopened ticket: its news belongs at the bottom of the group, under its own header),
--         ARGV[10] the message's effect name (escalation/effects.py; "" outside an update): the
--         replay of a handling whose message was added gets the step the first run got (its
--         words are not added twice, and a post the first run died before making is made now)
-- ARGV[1] "posted": ARGV[2] the relay's message id (its post went out)
-- ARGV[1] "abandon": the relay's post failed; the next message starts afresh
-- Returns {verb, message id, n, head, text, cut}; verb is "post" (send it, then say "posted"),
-- "edit" (edit the message), "wait" (its post is on its way; the poster brings it up to date)
-- or "posted" (the state after "posted").

local key = KEYS[1]

local function tail(text, max)
  if #text <= max then return text, false end
  local i = #text - max + 1
  -- never start inside a UTF-8 sequence (continuation bytes are 0x80-0xBF)
  while i <= #text do
    local byte = string.byte(text, i)
    if byte < 128 or byte >= 192 then break end
    i = i + 1
  end
  return string.sub(text, i), true
end

local function state(verb)
  local r = redis.call("HMGET", key, "mid", "n", "head", "text", "cut")
  return {verb, r[1] or "", tonumber(r[2] or "0"), r[3] or "", r[4] or "", r[5] or ""}
end

if ARGV[1] == "posted" then
  if redis.call("EXISTS", key) == 1 then redis.call("HSET", key, "mid", ARGV[2]) end
  return state("posted")
end
if ARGV[1] == "abandon" then
  redis.call("DEL", key)
  return {"abandon", "", 0, "", "", ""}
end

local effect = ARGV[10]
if effect ~= "" and redis.call("HGET", key, "fx") == effect then
  return cjson.decode(redis.call("HGET", key, "fxr"))
end

-- The step this message got, kept with the name of its effect (only the latest message's: a
-- customer's messages are handled one at a time, so only the latest can be handled again).
local function recorded(step)
  if effect ~= "" then redis.call("HSET", key, "fx", effect, "fxr", cjson.encode(step)) end
  return step
end

local now, span, agent_at = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local started = tonumber(redis.call("HGET", key, "started") or "")
if ARGV[9] == "1" or started == nil or now - started >= span or agent_at >= started then
  local text, cut = tail(ARGV[5], tonumber(ARGV[6]))
  redis.call("DEL", key)
  redis.call("HSET", key, "mid", "", "n", 1, "started", ARGV[2], "head", ARGV[7], "text", text,
    "cut", cut and "1" or "")
  redis.call("EXPIRE", key, ARGV[8])
  return recorded(state("post"))
end
local old = redis.call("HMGET", key, "text", "cut")
local text, cut = tail(old[1] .. "\n" .. ARGV[5], tonumber(ARGV[6]))
redis.call("HINCRBY", key, "n", 1)
redis.call("HSET", key, "text", text, "cut", (cut or old[2] == "1") and "1" or "")
local current = state("edit")
if current[2] == "" then current[1] = "wait" end
return recorded(current)
