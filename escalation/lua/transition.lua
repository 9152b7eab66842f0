-- One ticket transition, atomically: check, change, re-index, audit.
--
-- Every state change of the desk runs through this script, so the invariant "a ticket is in
-- exactly the indexes its state implies" lives in one place. The caller (escalation/store.py)
-- computes policy-dependent values (priority, deadlines) and passes them as fields; the script
-- only checks the guards and applies them.
--
-- KEYS[1]: the desk's route key (never touched): it sends the script to the desk's Cluster node.
-- All keys are derived from the prefix, which carries the desk's hash tag (one Cluster slot).
-- ARGV[1]  prefix                 e.g. "supportbot:{supportbot}:"
-- ARGV[2]  ticket number          "" creates a new ticket
-- ARGV[3]  customer id            used by create and the one-ticket-per-customer guard
-- ARGV[4]  allowed states         comma separated ("" with create)
-- ARGV[5]  expected version       "" skips the check
-- ARGV[6]  expected assignee      "" skips the check
-- ARGV[7]  fields                 JSON object field -> string; "" deletes the field
-- ARGV[8]  event                  JSON text appended to the ticket log and the audit stream
-- ARGV[9]  event name
-- ARGV[10] actor
-- ARGV[11] now (epoch seconds)
-- ARGV[12] audit stream MAXLEN (approximate)
-- ARGV[13] SLA index score        "" keeps it, "-" removes it, a number sets it, "<number"
--                                  moves it earlier only (ZADD LT: the claim-timeout check)
-- ARGV[14] "1" when the customer must have no active ticket (create, reopen)
-- ARGV[15] stats                  JSON list of rollup ops (escalation/stats.py): ["hincrby", key,
--                                  field, n], ["rpush", key, value], ["rpush_age", key, 0]
-- ARGV[16] stats retention (seconds)
-- ARGV[17] the customer's last resolved ticket the caller decided on ("0" for none, "" skips
--          the check): a create decided on a reading taken before another ticket of theirs was
--          resolved would miss the reopen that reading should have led to
-- ARGV[18] the most entries the ticket's log keeps: older ones are trimmed, oldest first, and
--          counted in the ticket's `log_dropped` field (a flood must not grow a log without bound)
-- ARGV[19] the effect's name (escalation/effects.py), "" outside an update's handling
-- ARGV[20] the update's effects hash (effect name -> the JSON of its reply), under the prefix
-- ARGV[21] that hash's TTL (seconds)
-- Returns {"ok", number, version, event name, fields...} or {status, number, version, ...}
-- where status is "not_found", "state", "version", "assignee", "active" (then number is the
-- customer's active ticket) or "last" (then number is their last resolved ticket).
--
-- Effects once: a handling that runs again after a crash reaches the same effect name, and
-- gets the reply the first run got, before any check (the state it would check is the one that
-- first run made). An "ok" reply is recorded in the same script that applies it; a refusal
-- changes nothing and is not recorded, so the retry of a refused transition decides afresh.

local prefix = ARGV[1]
local number = ARGV[2]
local customer = ARGV[3]
local active_key = prefix .. "active"
local effect, effects_key = ARGV[19], ARGV[20]

if effect ~= "" then
  local recorded = redis.call("HGET", effects_key, effect)
  if recorded then
    local reply = cjson.decode(recorded)
    -- A replay that reaches this name for another ticket took another path than its first run
    -- (parts of a handling that share ranks while they interleave): fail loudly, never answer
    -- with another ticket's transition.
    if number ~= "" and reply[2] ~= number then
      return redis.error_reply("effect " .. effect .. " was applied to ticket #" .. reply[2])
    end
    return reply
  end
end

if ARGV[14] == "1" then
  local existing = redis.call("HGET", active_key, customer)
  if existing and existing ~= number then
    return {"active", existing, "0"}
  end
end
if ARGV[17] ~= "" then
  local last = redis.call("HGET", prefix .. "last", customer) or "0"
  if last ~= ARGV[17] then
    return {"last", last, "0"}
  end
end

local ticket_key
if number == "" then
  number = tostring(redis.call("INCR", prefix .. "seq"))
  ticket_key = prefix .. "t:" .. number
  redis.call("HSET", ticket_key, "number", number, "customer_id", customer, "version", "0")
else
  ticket_key = prefix .. "t:" .. number
  local current = redis.call("HMGET", ticket_key, "state", "version", "assignee")
  if not current[1] then
    return {"not_found", number, "0"}
  end
  -- A caller that computed from a snapshot learns first that the snapshot is stale (it re-reads
  -- and decides again), before it is told that the state forbids what it computed.
  if ARGV[5] ~= "" and ARGV[5] ~= current[2] then
    return {"version", number, current[2]}
  end
  local allowed = false
  for state in string.gmatch(ARGV[4], "[^,]+") do
    if state == current[1] then allowed = true end
  end
  if not allowed then
    return {"state", number, current[2], "state", current[1]}
  end
  if ARGV[6] ~= "" and ARGV[6] ~= (current[3] or "") then
    return {"assignee", number, current[2], "assignee", current[3] or ""}
  end
  customer = redis.call("HGET", ticket_key, "customer_id")
end

local fields = cjson.decode(ARGV[7])
for field, value in pairs(fields) do
  if value == "" then
    redis.call("HDEL", ticket_key, field)
  else
    redis.call("HSET", ticket_key, field, value)
  end
end
local version = redis.call("HINCRBY", ticket_key, "version", 1)

local state, due, claimed_at, resolved_at =
  unpack(redis.call("HMGET", ticket_key, "state", "due_at", "claimed_at", "resolved_at"))
if state == "open" then
  redis.call("ZADD", prefix .. "queue", due, number)
  redis.call("ZREM", prefix .. "claimed", number)
  redis.call("ZREM", prefix .. "resolved", number)
  redis.call("HSET", active_key, customer, number)
elseif state == "claimed" then
  redis.call("ZREM", prefix .. "queue", number)
  redis.call("ZADD", prefix .. "claimed", claimed_at, number)
  redis.call("ZREM", prefix .. "resolved", number)
  redis.call("HSET", active_key, customer, number)
elseif state == "resolved" then
  redis.call("ZREM", prefix .. "queue", number)
  redis.call("ZREM", prefix .. "claimed", number)
  redis.call("ZADD", prefix .. "resolved", resolved_at, number)
  if redis.call("HGET", active_key, customer) == number then
    redis.call("HDEL", active_key, customer)
  end
  redis.call("HSET", prefix .. "last", customer, number)
  redis.call("ZREM", prefix .. "sla", number)
end

if state ~= "resolved" then
  if ARGV[13] == "-" then
    redis.call("ZREM", prefix .. "sla", number)
  elseif string.sub(ARGV[13], 1, 1) == "<" then
    redis.call("ZADD", prefix .. "sla", "LT", string.sub(ARGV[13], 2), number)
  elseif ARGV[13] ~= "" then
    redis.call("ZADD", prefix .. "sla", ARGV[13], number)
  end
end

for _, op in ipairs(cjson.decode(ARGV[15])) do
  if op[1] == "hincrby" then
    redis.call("HINCRBY", op[2], op[3], op[4])
  elseif op[1] == "rpush" then
    redis.call("RPUSH", op[2], op[3])
  elseif op[1] == "rpush_age" then
    local age = tonumber(ARGV[11]) - tonumber(redis.call("HGET", ticket_key, "created_at"))
    redis.call("RPUSH", op[2], string.format("%.1f", age))
  end
  redis.call("EXPIRE", op[2], ARGV[16])
end

local logged = redis.call("RPUSH", ticket_key .. ":log", ARGV[8])
local excess = logged - tonumber(ARGV[18])
if excess > 0 then
  redis.call("LTRIM", ticket_key .. ":log", excess, -1)
  redis.call("HINCRBY", ticket_key, "log_dropped", excess)
end
redis.call("XADD", prefix .. "audit", "MAXLEN", "~", ARGV[12], "*",
  "ticket", number, "event", ARGV[9], "actor", ARGV[10], "at", ARGV[11])

local result = {"ok", number, tostring(version), ARGV[9]}
local all = redis.call("HGETALL", ticket_key)
for i = 1, #all do result[#result + 1] = all[i] end
if effect ~= "" then
  redis.call("HSET", effects_key, effect, cjson.encode(result))
  redis.call("EXPIRE", effects_key, ARGV[21])
end
return result
