-- wrk script for the gateway benchmark: POST /v1/documents with realistic CDA documents.
-- Usage (run.sh does it): wrk -t2 -c16 -d20s -s post.lua http://127.0.0.1:PORT -- TEMPLATES_LIST TOKEN
-- TEMPLATES_LIST is a file listing CDA templates whose document id carries @@ID@@; every request
-- gets a unique id (thread number and counter), so each one is a new document, not a duplicate.
local templates = {}
local counter = 0
local next_thread = 0
local token = ""

function setup(thread)
  thread:set("thread_number", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  local list = assert(io.open(args[1], "r"))
  for path in list:lines() do
    local file = assert(io.open(path, "rb"))
    templates[#templates + 1] = file:read("*a")
    file:close()
  end
  list:close()
  token = args[2]
end

function request()
  counter = counter + 1
  local template = templates[(counter % #templates) + 1]
  local body = template:gsub("@@ID@@", "w" .. thread_number .. "-" .. counter .. "-" .. math.random(1, 1000000000))
  return wrk.format("POST", "/v1/documents",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/xml" }, body)
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.2f, "documents_per_second": %.1f, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "non_2xx": %d, "socket_errors": %d}\n',
    summary.requests, seconds, (summary.requests - non2xx) / seconds, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
