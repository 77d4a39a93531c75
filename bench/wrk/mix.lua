-- wrk: request lines of a file, in one of two mixes.
--   wrk -t2 -c16 -d20s -s mix.lua http://127.0.0.1:PORT -- PREFIX FILE norepeat START THREADS
--   wrk -t2 -c16 -d20s -s mix.lua http://127.0.0.1:PORT -- PREFIX FILE zipf S SEED
-- PREFIX goes before each line ("/search?").
-- norepeat: each request a different line, never one twice; thread k of THREADS sends lines
--   START+k+1, START+k+1+THREADS... (setup() runs in wrk's main Lua state: it cannot count
--   for them).
-- zipf: lines drawn with Zipf's law, P(rank r) ~ 1 / r^S; the file's order is the rank order
--   (shuffle it beforehand); each thread has its own seed.
local counter, threads = 0, {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  prefix, lines, mode = args[1], {}, args[3]
  for line in io.lines(args[2]) do
    lines[#lines + 1] = line
  end
  wrapped = 0
  if mode == "zipf" then
    local s = tonumber(args[4] or "1.1")
    math.randomseed(tonumber(args[5] or "1") * 1000 + id)
    cumulative, total = {}, 0
    for rank = 1, #lines do
      total = total + 1 / rank ^ s
      cumulative[rank] = total
    end
  else
    position = tonumber(args[4] or "0") + id + 1
    step = tonumber(args[5] or "1")
  end
end

local function zipf_line()
  local target = math.random() * total
  local lo, hi = 1, #lines
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cumulative[mid] < target then lo = mid + 1 else hi = mid end
  end
  return lines[lo]
end

local function next_line()
  if position > #lines then
    position = position - #lines
    wrapped = wrapped + 1
  end
  local line = lines[position]
  position = position + step
  return line
end

function request()
  local line = mode == "zipf" and zipf_line() or next_line()
  return wrk.format("GET", prefix .. line)
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    if thread:get("wrapped") > 0 then
      io.write("WARNING: the query file ran out: queries repeated\n")
    end
  end
end
