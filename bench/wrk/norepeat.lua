-- wrk: each request a different line of a file, never one twice (no-repeat mix).
--   wrk -t2 -c16 -d20s -s norepeat.lua http://127.0.0.1:PORT -- PREFIX FILE START THREADS
-- PREFIX goes before each line ("/search?"); thread k of THREADS sends lines START+k+1,
-- START+k+1+THREADS... (setup() runs in wrk's main Lua state: it cannot count for them).
local counter, threads = 0, {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  prefix, lines = args[1], {}
  for line in io.lines(args[2]) do
    lines[#lines + 1] = line
  end
  position = tonumber(args[3] or "0") + id + 1
  step = tonumber(args[4] or "1")
  wrapped = 0
end

function request()
  if position > #lines then
    position = position - #lines
    wrapped = wrapped + 1
  end
  local path = prefix .. lines[position]
  position = position + step
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    if thread:get("wrapped") > 0 then
      io.write("WARNING: the query file ran out: queries repeated\n")
    end
  end
end
