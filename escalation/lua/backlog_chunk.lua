-- Totals of one slice of the queue or claimed index, computed where the data is.
--
-- A summary over a large backlog must neither read every ticket into Python nor block Redis for
-- the whole backlog at once: the caller walks the index in slices (ZRANGE start..stop) and adds
-- the slices up. A ticket that changes index between two slices may be counted in neither or
-- both; a summary tolerates that, a transition never relies on it.
-- KEYS[1]: the desk's route key (never touched): it sends the script to the desk's Cluster node.
-- ARGV: prefix, index ("queue" | "claimed"), start, stop, now, then the age thresholds in seconds.
-- Returns: P1..P4 counts, one count per age bucket (thresholds + 1), the oldest ticket's number,
-- priority and created_at ("" when none), the oldest created_at of each priority P1..P4 ("" when
-- none), then assignee, count pairs.
local prefix = ARGV[1]
local now = tonumber(ARGV[5])
local thresholds = {}
for i = 6, #ARGV do thresholds[#thresholds + 1] = tonumber(ARGV[i]) end
local counts = {0, 0, 0, 0}
local ages = {}
for i = 1, #thresholds + 1 do ages[i] = 0 end
local oldest_n, oldest_p, oldest_at = "", "", nil
local oldest_by_level = {}
local agents = {}
for _, number in ipairs(redis.call("ZRANGE", prefix .. ARGV[2], ARGV[3], ARGV[4])) do
  local f = redis.call("HMGET", prefix .. "t:" .. number, "priority", "created_at", "assignee", "state")
  if f[1] and f[4] ~= "resolved" then
    local level = tonumber(string.sub(f[1], 2))
    counts[level] = counts[level] + 1
    local created = tonumber(f[2])
    local bucket = #thresholds + 1
    for i, limit in ipairs(thresholds) do
      if now - created < limit then bucket = i; break end
    end
    ages[bucket] = ages[bucket] + 1
    if not oldest_at or created < oldest_at then oldest_n, oldest_p, oldest_at = number, f[1], created end
    if not oldest_by_level[level] or created < oldest_by_level[level] then oldest_by_level[level] = created end
    if f[3] then agents[f[3]] = (agents[f[3]] or 0) + 1 end
  end
end
local out = {}
for _, n in ipairs(counts) do out[#out + 1] = n end
for _, n in ipairs(ages) do out[#out + 1] = n end
out[#out + 1] = oldest_n
out[#out + 1] = oldest_p
out[#out + 1] = oldest_at and string.format("%.3f", oldest_at) or ""
for level = 1, 4 do
  out[#out + 1] = oldest_by_level[level] and string.format("%.3f", oldest_by_level[level]) or ""
end
for agent, n in pairs(agents) do
  out[#out + 1] = agent
  out[#out + 1] = n
end
return out
