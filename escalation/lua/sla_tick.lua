-- One SLA tick: take every due entry of the SLA index and advance its ticket's SLA ladder, atomically.
--
-- Whoever runs this script owns the entries it takes (ZRANGEBYSCORE + ZREM in one script), so any
-- number of workers ticking at once never act on the same step twice; the step taken is recorded
-- (sla_stage) and the entry re-scheduled for the next step in the same call, so an entry is never
-- lost between ticks either. The caller only turns the returned actions into messages.
--
-- Every step is written to the ticket's own history; the audit stream, which records transitions,
-- gets the breach (it raises the priority) and the claim timeout, not the warnings, which are
-- notifications.
--
-- The ladder of a clock: the warnings and the deadline stored in `sla_plan` (computed in Python
-- with the business calendar), then `loops` renotifications every `renotify` seconds after the
-- deadline, then the managers. Steps missed between two ticks are coalesced into the latest one,
-- except that a breach is always recorded. A claimed ticket is not renotified (somebody owns it):
-- its ladder holds before the first renotification and its entry waits only for the claim check;
-- a release puts the entry back at "now" (escalation/store.py), so the ladder goes on from the
-- step the clock has reached. A claimer silent for `claim_timeout` loses the claim (returned as
-- release = 1; the caller releases it through the normal transition, and the entry is checked
-- again `retry` seconds later in case that did not happen).
--
-- KEYS[1]: the desk's route key (never touched): it sends the script to the desk's Cluster node.
-- ARGV: prefix, now, limit, renotify, loops, claim_timeout, breach_raises ("1"/"0"),
--       audit maxlen, stats retention, retry seconds, most entries a ticket's log keeps (older
--       ones trimmed and counted in `log_dropped`, as transition.lua does)
-- Returns a flat list, 8 values per ticket acted on:
--   number, action ("warn" | "breach" | "renotify" | "managers" | ""), breached now (0/1),
--   priority, due_at, assignee, due_kind, release (0/1)

local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local renotify = tonumber(ARGV[4])
local loops = tonumber(ARGV[5])
local claim_timeout = tonumber(ARGV[6])
local breach_raises = ARGV[7] == "1"
local retry = tonumber(ARGV[10])
local sla_key = prefix .. "sla"
local log_max = tonumber(ARGV[11])

local due = redis.call("ZRANGEBYSCORE", sla_key, "-inf", now, "LIMIT", 0, ARGV[3])
local out = {}
local reschedule = {}
if #due > 0 then redis.call("ZREM", sla_key, unpack(due)) end

for _, number in ipairs(due) do
  local key = prefix .. "t:" .. number
  local f = redis.call("HMGET", key, "state", "sla_plan", "sla_stage", "claimed_at", "last_agent_at",
    "assignee", "priority", "reasons", "breached_at", "due_kind", "due_at", "version")
  local state = f[1]
  if state and state ~= "resolved" then
    local steps, kinds = {}, {}
    local plan = {}
    for value in string.gmatch(f[2] or "", "[^,]+") do plan[#plan + 1] = tonumber(value) end
    if #plan > 0 then
      for i = 1, #plan - 1 do steps[#steps + 1] = plan[i]; kinds[#kinds + 1] = "warn" end
      local deadline = plan[#plan]
      steps[#steps + 1] = deadline; kinds[#kinds + 1] = "breach"
      for k = 1, loops do steps[#steps + 1] = deadline + k * renotify; kinds[#kinds + 1] = "renotify" end
      steps[#steps + 1] = deadline + (loops + 1) * renotify; kinds[#kinds + 1] = "managers"
    end

    local claimed = state == "claimed"
    local stage = tonumber(f[3]) or 0
    local reached = stage
    local passed_breach = false
    local held = function(step) return claimed and (kinds[step] == "renotify" or kinds[step] == "managers") end
    while reached < #steps and steps[reached + 1] <= now and not held(reached + 1) do
      reached = reached + 1
      if kinds[reached] == "breach" then passed_breach = true end
    end

    local action = ""
    if reached > stage then action = kinds[reached] end
    local breached_now = passed_breach and not f[9]
    if breached_now and action == "" then action = "breach" end

    local release, next_at = 0, nil
    if reached < #steps and not held(reached + 1) then next_at = steps[reached + 1] end
    local claimed_at = tonumber(f[4])
    local last_agent = tonumber(f[5])
    if claimed and claimed_at and (not last_agent or last_agent < claimed_at) then
      local check = claimed_at + claim_timeout
      if check <= now then
        release = 1
        check = now + retry
      end
      if not next_at or check < next_at then next_at = check end
    end
    if next_at then
      reschedule[#reschedule + 1] = next_at
      reschedule[#reschedule + 1] = number
    end

    local priority = f[7]
    local changed = action ~= "" or release == 1
    if breached_now then
      redis.call("HSET", key, "breached_at", ARGV[2])
      if breach_raises then
        local level = tonumber(string.sub(priority, 2))
        if level > 1 then
          priority = "P" .. (level - 1)
          local reasons = cjson.decode(f[8] or "[]")
          reasons[#reasons + 1] = {"sla_breach"}
          redis.call("HSET", key, "priority", priority, "reasons", cjson.encode(reasons))
        end
      end
      local stats = prefix .. "st:" .. math.floor(now / 3600)
      redis.call("HINCRBY", stats, "breaches", 1)
      redis.call("EXPIRE", stats, ARGV[9])
    end

    -- Every change bumps the version, so a writer that computed from an older snapshot retries.
    if reached > stage or breached_now then
      redis.call("HSET", key, "sla_stage", reached, "version", (tonumber(f[12]) or 0) + 1)
    elseif changed then
      redis.call("HINCRBY", key, "version", 1)
    end

    if changed then
      local event = action ~= "" and ("sla_" .. action) or "sla_claim_timeout"
      local logged = redis.call("RPUSH", key .. ":log",
        cjson.encode({event = event, at = now, actor = "system", priority = priority}))
      if logged > log_max then
        redis.call("LTRIM", key .. ":log", logged - log_max, -1)
        redis.call("HINCRBY", key, "log_dropped", logged - log_max)
      end
      if breached_now or release == 1 then
        redis.call("XADD", prefix .. "audit", "MAXLEN", "~", ARGV[8], "*",
          "ticket", number, "event", event, "actor", "system", "at", ARGV[2])
      end
      out[#out + 1] = number
      out[#out + 1] = action
      out[#out + 1] = breached_now and 1 or 0
      out[#out + 1] = priority
      out[#out + 1] = f[11] or ""
      out[#out + 1] = f[6] or ""
      out[#out + 1] = f[10] or ""
      out[#out + 1] = release
    end
  end
end
for i = 1, #reschedule, 2000 do
  redis.call("ZADD", sla_key, unpack(reschedule, i, math.min(i + 1999, #reschedule)))
end
return out
