-- Hold, renew or leave the poll lease: one worker of the desk calls getUpdates at a time.
--
-- KEYS[1]: the desk's route key.
-- ARGV[1] inbox prefix   ARGV[2] worker id   ARGV[3] lease (ms), or "0" to leave it
-- Returns {1, the stored getUpdates offset or ""} when the worker holds the lease now, {0, ""}
-- when another worker holds it (and {1, ""} once it left it).
local p = ARGV[1]
local key = p .. "poll:lease"
local holder = redis.call("GET", key)
if ARGV[3] == "0" then
  if holder == ARGV[2] then
    redis.call("DEL", key)
  end
  return {1, ""}
end
if holder == ARGV[2] then
  redis.call("PEXPIRE", key, ARGV[3])
elseif not holder then
  redis.call("SET", key, ARGV[2], "PX", ARGV[3])
else
  return {0, ""}
end
return {1, redis.call("GET", p .. "poll:offset") or ""}
