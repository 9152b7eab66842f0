
-- Lease up to ARGV[5] ready chats of one lane to a worker (`take` in inbox_common.lua).
--
-- KEYS[1]: the desk's route key.
-- ARGV[1] inbox prefix   ARGV[2] worker id   ARGV[3] lease (ms)   ARGV[4] lane (f or n)
-- ARGV[5] most chats to take
-- Returns {chats taken over from expired leases, {chat, head entry, chat, head entry, ...}}.
local expired, taken = take(ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5]), clock_ms())
return {expired, taken}
