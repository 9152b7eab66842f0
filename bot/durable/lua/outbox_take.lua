
-- Take the best job any chat may send now, for one worker (bot/durable/outbox.py; `take` in
-- outbox_common.lua says what it returns).
-- ARGV[8] worker, ARGV[9] lease (ms), ARGV[10] TTL of a job (s).

return take(ARGV[8], tonumber(ARGV[9]), tonumber(ARGV[10]), clock_ms())
