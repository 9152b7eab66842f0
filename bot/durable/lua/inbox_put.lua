-- Store updates in the inbox: each chat's events in a list, in arrival order; a chat that had
-- none becomes ready. An update id seen before (Telegram delivering it again) is not stored twice.
--
-- KEYS[1]: the desk's route key (never touched; it sends the script to the desk's Cluster node).
-- ARGV[1] inbox prefix ("<desk prefix>in:")   ARGV[2] seconds an update id is remembered
-- ARGV[3] the poller's worker id ("" from a webhook)
-- ARGV[4] the getUpdates offset that confirms this batch ("" from a webhook): stored only while
--         ARGV[3] holds the poll lease, and then together with the batch
-- ARGV[5] with an offset, the poll lease (ms) renewed in the same step ("" leaves it as it is): the
--         poller then polls again without a lease round trip of its own
-- ARGV[6..] triples: update id, chat id, entry ("<lane><update id>|<event JSON>", lane f or n)
-- Returns the number of updates stored, or -1 when ARGV[3] no longer holds the poll lease (then
-- nothing is stored: the poller that took over fetches the same batch from the same offset).
local p = ARGV[1]
if ARGV[4] ~= "" then
  if redis.call("GET", p .. "poll:lease") ~= ARGV[3] then
    return -1
  end
  if ARGV[5] ~= "" then
    redis.call("PEXPIRE", p .. "poll:lease", ARGV[5])
  end
  local offset = tonumber(redis.call("GET", p .. "poll:offset") or "0")
  if tonumber(ARGV[4]) > offset then
    redis.call("SET", p .. "poll:offset", ARGV[4])
  end
end
local stored = 0
for i = 6, #ARGV, 3 do
  local chat, entry = ARGV[i + 1], ARGV[i + 2]
  if redis.call("SET", p .. "seen:" .. ARGV[i], "1", "NX", "EX", ARGV[2]) then
    stored = stored + 1
    -- A chat with events is ready or leased; one whose list was empty was neither.
    if redis.call("RPUSH", p .. "q:" .. chat, entry) == 1 then
      redis.call("ZADD", p .. "ready:" .. string.sub(entry, 1, 1), redis.call("INCR", p .. "seq"), chat)
    end
  end
end
return stored
