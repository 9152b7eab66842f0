-- Incidents, atomically: record an outage report and detect, open by hand, resolve.
--
-- Detection must open exactly one incident however many workers report at once, so counting a
-- report, checking the threshold and opening the incident happen in this one script.
--
-- KEYS[1]: the desk's route key (never touched): it sends the script to the desk's Cluster node.
-- Every key is derived from the prefix (one hash tag, one Cluster slot).
-- ARGV[1] op: "report", "open" or "resolve"
-- ARGV[2] prefix
-- ARGV[3] now (epoch seconds)
--
-- report  ARGV[4] window (s)  ARGV[5] min reports  ARGV[6] telegram id
--         ARGV[7] record "ticket|priority|premium(0/1)|region|channel|known(0/1)"
--         ARGV[8] JSON list of the report's scopes, most specific first (the caller keeps
--         only the scopes of the report's kind)
--         ARGV[9] min known: reporters the directory knows, needed besides `min reports`
--         ARGV[10..12] the effect (below)
--   The report joins the open incident of any of its scopes.
--   Otherwise it is counted in each scope's window (trimmed to the last `window` seconds), and
--   a known subscriber also in the scope's window of known reporters (`inc:k:<scope>`). The
--   first scope, most specific first, whose window holds `min reports` reporters with an
--   unresolved ticket, `min known` of them known, opens an incident. Only the window's tickets
--   still waiting for an agent are linked: a claimed ticket belongs to its holder, a resolved
--   one is over. A scoped incident takes its reporters out of this report's other windows
--   (global among them), so one outage does not also open a global incident when a report
--   from elsewhere arrives.
--   Returns {"joined"|"opened", id, {ticket numbers newly linked}, the incident's hash as HGETALL
--   gives it after the report}, or {"none", ""}.
-- open    ARGV[4] scope  ARGV[5] title  ARGV[6..8] the effect (below)
--   Opens by hand; the waiting tickets of the scope's window (reports not yet enough to open
--   it) are linked, as when the threshold opens it.
--   Returns {"opened", id, {ticket numbers linked}} or {"exists", id, {}} when the scope
--   already has an open incident.
-- resolve ARGV[4] id  ARGV[5] status text ("" for none)  ARGV[6..8] the effect (below)
--   Returns {"ok", scope} or {"state", status}.
-- The effect: its name (escalation/effects.py; "" outside an update), the update's effects hash,
-- that hash's TTL (s). A reply that changed something is recorded under the name; a refusal
-- ("exists", "state") is not.

local op, prefix, now = ARGV[1], ARGV[2], ARGV[3]

-- Effects once: the op's reply is recorded under its effect name, and the replay of the handling
-- gets it back (the incident a report or an agent opened is "opened" for it again, a resolution
-- is "ok" again, so what the first run had not done yet is done).
local effect_at = (op == "report") and 10 or 6
local effect, effects_key, effects_ttl = ARGV[effect_at], ARGV[effect_at + 1], ARGV[effect_at + 2]
if effect ~= "" then
  local replayed = redis.call("HGET", effects_key, effect)
  if replayed then return cjson.decode(replayed) end
end
local function reply(result)
  if effect ~= "" then
    redis.call("HSET", effects_key, effect, cjson.encode(result))
    redis.call("EXPIRE", effects_key, effects_ttl)
  end
  return result
end
-- The card names the first few premium subscribers linked (`inc:<id>:p`); the count says the rest.
local PREMIUM_NAMED = 5
local open_key = prefix .. "inc:open"

local function create(scope, title)
  local id = tostring(redis.call("INCR", prefix .. "inc:seq"))
  redis.call("HSET", prefix .. "inc:" .. id, "id", id, "scope", scope, "title", title,
    "status", "open", "opened_at", now, "affected", "0", "premium", "0")
  redis.call("HSET", open_key, scope, id)
  redis.call("ZADD", prefix .. "inc:all", now, id)
  return id
end

local function fields(record)
  return string.match(record, "^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$")
end

local function state_of(number)
  return redis.call("HGET", prefix .. "t:" .. number, "state")
end

local function link(id, record)
  local number, priority, premium, region, channel = fields(record)
  if not number or state_of(number) ~= "open" then return nil end
  local key = prefix .. "inc:" .. id
  if redis.call("ZADD", key .. ":t", "NX", priority, number) == 0 then return nil end
  redis.call("HINCRBY", key, "affected", 1)
  if premium == "1" then
    redis.call("HINCRBY", key, "premium", 1)
    if redis.call("LLEN", key .. ":p") < PREMIUM_NAMED then redis.call("RPUSH", key .. ":p", number) end
  end
  if region ~= "" then redis.call("HINCRBY", key, "region:" .. region, 1) end
  if channel ~= "" then redis.call("HINCRBY", key, "channel:" .. channel, 1) end
  return number
end

-- Link the waiting tickets of a scope's window to a new incident; empty the window.
local function link_window(id, scope)
  local window_key, reports_key = prefix .. "inc:w:" .. scope, prefix .. "inc:reports"
  local members = redis.call("ZRANGE", window_key, 0, -1)
  local linked = {}
  for _, member in ipairs(members) do
    local stored = redis.call("HGET", reports_key, member)
    local number = stored and link(id, stored)
    if number then linked[#linked + 1] = number end
  end
  redis.call("DEL", window_key, prefix .. "inc:k:" .. scope)
  return linked
end

if op == "open" then
  local existing = redis.call("HGET", open_key, ARGV[4])
  if existing then return {"exists", existing, {}} end
  local id = create(ARGV[4], ARGV[5])
  return reply({"opened", id, link_window(id, ARGV[4])})
end

if op == "resolve" then
  local key = prefix .. "inc:" .. ARGV[4]
  local status, scope = unpack(redis.call("HMGET", key, "status", "scope"))
  if status ~= "open" then return {"state", status or "missing"} end
  redis.call("HSET", key, "status", "resolved", "resolved_at", now)
  redis.call("HDEL", key, "resolve_by", "resolve_text", "resolve_count")
  if ARGV[5] ~= "" then
    redis.call("HSET", key, "status_text", ARGV[5], "status_at", now)
    redis.call("HSETNX", key, "first_status_at", now)
  end
  if redis.call("HGET", open_key, scope) == ARGV[4] then redis.call("HDEL", open_key, scope) end
  redis.call("DEL", prefix .. "inc:w:" .. scope, prefix .. "inc:k:" .. scope)
  return reply({"ok", scope})
end

-- op == "report"
local window, min_reports, reporter, record = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], ARGV[7]
local scopes = cjson.decode(ARGV[8])
local min_known = tonumber(ARGV[9])
local reports_key = prefix .. "inc:reports"
local known = select(6, fields(record)) == "1"
redis.call("HSET", reports_key, reporter, record)
redis.call("EXPIRE", reports_key, math.ceil(window) + 3600)

for _, scope in ipairs(scopes) do
  local id = redis.call("HGET", open_key, scope)
  if id then
    local linked = {}
    local number = link(id, record)
    if number then linked[1] = number end
    return reply({"joined", id, linked, redis.call("HGETALL", prefix .. "inc:" .. id)})
  end
end

local oldest = "(" .. tostring(tonumber(now) - window)
for _, scope in ipairs(scopes) do
  for _, window_key in ipairs({prefix .. "inc:w:" .. scope, prefix .. "inc:k:" .. scope}) do
    if known or window_key == prefix .. "inc:w:" .. scope then
      redis.call("ZADD", window_key, now, reporter)
    end
    redis.call("ZREMRANGEBYSCORE", window_key, "-inf", oldest)
    redis.call("EXPIRE", window_key, math.ceil(window) + 60)
  end
end

-- The reporters of a window whose ticket is not resolved, and how many of them are known.
local function standing(members)
  local count, known_count = 0, 0
  for _, member in ipairs(members) do
    local stored = redis.call("HGET", reports_key, member)
    if stored then
      local number, _, _, _, _, is_known = fields(stored)
      local state = number and state_of(number)
      if state and state ~= "resolved" then
        count = count + 1
        if is_known == "1" then known_count = known_count + 1 end
      end
    end
  end
  return count, known_count
end

for _, scope in ipairs(scopes) do
  local window_key, known_key = prefix .. "inc:w:" .. scope, prefix .. "inc:k:" .. scope
  -- The two counts first (cheap): a flood of unknown accounts stops here, in O(1).
  if redis.call("ZCARD", window_key) >= min_reports and redis.call("ZCARD", known_key) >= min_known then
    local members = redis.call("ZRANGE", window_key, 0, -1)
    local count, known_count = standing(members)
    if count >= min_reports and known_count >= min_known then
      local id = create(scope, "")
      local linked = link_window(id, scope)
      for _, other in ipairs(scopes) do
        if other ~= scope then
          -- In slices: unpack has a limit, and a window may hold thousands of reporters.
          for first = 1, #members, 1000 do
            local slice = {unpack(members, first, math.min(first + 999, #members))}
            redis.call("ZREM", prefix .. "inc:w:" .. other, unpack(slice))
            redis.call("ZREM", prefix .. "inc:k:" .. other, unpack(slice))
          end
        end
      end
      return reply({"opened", id, linked, redis.call("HGETALL", prefix .. "inc:" .. id)})
    end
  end
end

return reply({"none", ""})
