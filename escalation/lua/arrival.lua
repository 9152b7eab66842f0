-- A subscriber's tickets and link, read at once; on a message's arrival, its update marked as seen too.
--
-- Every subscriber message needs all of this before anything else; one script is one round trip
-- and, unlike a pipeline, reads the active ticket's number and its hash atomically. `submit` reads
-- afresh through the same script (without a seen-mark) when its first reading went stale.
--
-- KEYS[1] active hash  KEYS[2] last hash  KEYS[3] links hash  KEYS[4] the update's seen-mark (optional)
-- ARGV[1] customer id  ARGV[2] seen-mark TTL (s)  ARGV[3] a ticket's key without its number
-- Returns {first (1 or 0; 1 without a seen-mark), the active ticket's hash as HGETALL gives it
--          ({} when none), the last resolved ticket's number or false, the linked subscriber id
--          or false}. A redelivered update (first = 0) gets the reads too; the caller drops it.

local customer = ARGV[1]
local first = 1
if KEYS[4] then
  first = redis.call("SET", KEYS[4], "1", "NX", "EX", ARGV[2]) and 1 or 0
end
local active = redis.call("HGET", KEYS[1], customer)
local ticket = {}
if active then ticket = redis.call("HGETALL", ARGV[3] .. active) end
return {first, ticket, redis.call("HGET", KEYS[2], customer), redis.call("HGET", KEYS[3], customer)}
