-- A subscriber's message arrives: mark its update as seen and read what handling it needs, at once.
--
-- Every subscriber message needs all of this before anything else; one script is one round trip
-- and, unlike a pipeline, reads the active ticket's number and its hash atomically.
--
-- KEYS[1] the update's seen-mark  KEYS[2] active hash  KEYS[3] last hash  KEYS[4] links hash
-- ARGV[1] customer id  ARGV[2] seen-mark TTL (s)  ARGV[3] a ticket's key without its number
-- Returns {first (1 or 0), the active ticket's hash as HGETALL gives it ({} when none),
--          the last resolved ticket's number or false, the linked subscriber id or false}.
-- A redelivered update (first = 0) gets the reads too; the caller drops it anyway.

local customer = ARGV[1]
local first = redis.call("SET", KEYS[1], "1", "NX", "EX", ARGV[2]) and 1 or 0
local active = redis.call("HGET", KEYS[2], customer)
local ticket = {}
if active then ticket = redis.call("HGETALL", ARGV[3] .. active) end
return {first, ticket, redis.call("HGET", KEYS[3], customer), redis.call("HGET", KEYS[4], customer)}
