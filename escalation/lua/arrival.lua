-- A subscriber's tickets, link and block, read at once as their message arrives.
--
-- Every subscriber message needs all of this before anything else; one script is one round trip
-- and, unlike a pipeline, reads the active ticket's number and its hash atomically. `submit` reads
-- afresh through the same script (with no effect name) when its first reading went stale.
--
-- Inside an update's handling the reading is an effect of its own (escalation/effects.py): the
-- first run records it, and a replay after a crash gets that recorded reading, so it takes the
-- branches the first run took (the ticket the first run created must not turn the replay into a
-- follow-up of that ticket); the transitions it reaches then answer with what they recorded.
--
-- KEYS[1] active hash  KEYS[2] last hash  KEYS[3] links hash  KEYS[4] blocked customers hash
-- KEYS[5] the update's effects hash
-- ARGV[1] customer id  ARGV[2] a ticket's key without its number
-- ARGV[3] the reading's effect name ("" reads afresh and records nothing)  ARGV[4] effects TTL (s)
-- Returns {the active ticket's hash as HGETALL gives it ({} when none), the last resolved
-- ticket's number or false, the linked subscriber id or false, the block record (JSON) or false}.

local customer, effect = ARGV[1], ARGV[3]
if effect ~= "" then
  local recorded = redis.call("HGET", KEYS[5], effect)
  if recorded then return cjson.decode(recorded) end
end
local active = redis.call("HGET", KEYS[1], customer)
local ticket = {}
if active then ticket = redis.call("HGETALL", ARGV[2] .. active) end
local reading = {ticket, redis.call("HGET", KEYS[2], customer), redis.call("HGET", KEYS[3], customer),
  redis.call("HGET", KEYS[4], customer)}
if effect ~= "" then
  redis.call("HSET", KEYS[5], effect, cjson.encode(reading))
  redis.call("EXPIRE", KEYS[5], ARGV[4])
end
return reading
