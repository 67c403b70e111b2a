-- wrk script of bench/http-ingest.sh: single-reading POSTs with keep-alive, every reading with a
-- key of its own (sensor <prefix>-<thread>-<connection slot>, ts = base + sequence in ms), so the
-- rows in PostgreSQL must equal the readings accepted (202).
-- Usage: wrk -s bench/http-ingest.lua URL -- BASE_MS SENSOR_PREFIX [BEARER_TOKEN]
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  base = tonumber(args[1])
  sensor = args[2] .. "-" .. tid
  headers = { ["Content-Type"] = "application/json" }
  if args[3] then headers["Authorization"] = "Bearer " .. args[3] end
  seq = 0
  accepted = 0
  other = 0
end

function request()
  seq = seq + 1
  local body = string.format('{"sensor_id":"%s","metric":"temperature","ts":%d,"value":%.1f,"unit":"C"}',
    sensor, base + seq, 20 + (seq % 100) / 10)
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if status == 202 then accepted = accepted + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local acc, oth = 0, 0
  for _, t in ipairs(threads) do
    acc = acc + t:get("accepted")
    oth = oth + t:get("other")
  end
  local secs = summary.duration / 1e6
  io.write(string.format("requests: %d in %.1f s (%.0f req/s); socket errors: connect %d, read %d, write %d, timeout %d\n",
    summary.requests, secs, summary.requests / secs, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
  io.write(string.format("latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("statuses: 202 %d, other %d\n", acc, oth))
  io.write(string.format("accepted_readings=%d\n", acc))
end
