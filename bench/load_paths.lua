-- wrk script for bench/load.py: every request GETs a random line of the paths file given
-- after `--` (the second argument seeds the generator, so successive runs do not replay
-- the same sequence and find it all in the page cache). response() counts status codes
-- and the X-Bench-Cache header (hit/miss, set by bench.load.CacheProbeMiddleware).
-- done() prints machine-readable lines; latencies are in microseconds.
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  math.randomseed(tonumber(args[2] or "0") * 1000 + id)
  statuses = {}
  hits = 0
  misses = 0
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local cache = headers["X-Bench-Cache"]
  if cache == "hit" then
    hits = hits + 1
  elseif cache == "miss" then
    misses = misses + 1
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d p50=%d p95=%d p99=%d max=%d mean=%.1f "
      .. "connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
  local all, cache_hits, cache_misses = {}, 0, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      all[status] = (all[status] or 0) + n
    end
    cache_hits = cache_hits + thread:get("hits")
    cache_misses = cache_misses + thread:get("misses")
  end
  local parts = {}
  for status, n in pairs(all) do
    parts[#parts + 1] = string.format("%d=%d", status, n)
  end
  io.write("BENCH_STATUS " .. table.concat(parts, " ") .. "\n")
  io.write(string.format("BENCH_CACHE hit=%d miss=%d\n", cache_hits, cache_misses))
  -- 1,000 quantiles (0.05%, 0.15%, ... 99.95%), so rounds can be merged into one curve.
  local q = {}
  for i = 0, 999 do
    q[#q + 1] = string.format("%d", latency:percentile(i / 10 + 0.05))
  end
  io.write("BENCH_QUANTILES " .. table.concat(q, " ") .. "\n")
end
