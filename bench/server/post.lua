-- wrk script: POST /api/v1/observations, each thread correcting its own
-- value (a new value every request, so every request stores a row).
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  token = os.getenv("C9_TOKEN")
  period = os.getenv("C9_PERIOD")
end

function request()
  n = n + 1
  local measure, base = "M-AW-01", "headcount"
  if id % 2 == 1 then
    measure, base = "M-INC-01", "incidents_closed"
  end
  local body = string.format(
    '{"measure":"%s","period":"%s","values":{"%s":%d},"reason":"benchmark correction %d"}',
    measure, period, base, 1000 + n, n)
  return wrk.format("POST", "/api/v1/observations",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
