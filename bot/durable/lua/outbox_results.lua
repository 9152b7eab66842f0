
-- The recorded results of jobs (the slow check behind the pushed results; bot/durable/outbox.py).
-- ARGV[8..] job ids. Returns one entry per id: its result JSON (following merged edits), or ""
-- while it is not done.

local out = {}
for i = 8, #ARGV do
  local target, state = resolve(ARGV[i])
  if state == "d" then
    out[#out + 1] = redis.call("HGET", job_key(target), "result")
  elseif state == nil then
    out[#out + 1] = '{"error":"TelegramError","message":"the job expired"}'
  else
    out[#out + 1] = ""
  end
end
return out
