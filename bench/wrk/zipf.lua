-- wrk: lines of a file drawn with Zipf's law, P(rank r) ~ 1 / r^S (the Zipf mix).
--   wrk -t2 -c16 -d20s -s zipf.lua http://127.0.0.1:PORT -- PREFIX FILE S SEED
-- The file's order is the rank order (shuffle it beforehand); each thread has its own seed.
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  prefix, lines = args[1], {}
  for line in io.lines(args[2]) do
    lines[#lines + 1] = line
  end
  local s = tonumber(args[3] or "1.1")
  math.randomseed(tonumber(args[4] or "1") * 1000 + id)
  cumulative, total = {}, 0
  for rank = 1, #lines do
    total = total + 1 / rank ^ s
    cumulative[rank] = total
  end
end

function request()
  local target = math.random() * total
  local lo, hi = 1, #lines
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cumulative[mid] < target then lo = mid + 1 else hi = mid end
  end
  return wrk.format("GET", prefix .. lines[lo])
end
