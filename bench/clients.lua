-- wrk script for bench/run.sh's 1k-clients scenario: every request carries X-Forwarded-For from
-- one of 10,000 client addresses (10.0.0.0 - 10.0.39.15), in turn, so a proxy that trusts
-- 127.0.0.1's forwarding header sees 10,000 clients. The requests are formatted once, in init(),
-- so the per-request Lua cost is a table lookup. done() is report.lua's.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local CLIENTS = 10000
local requests = {}
local i = 0

init = function(args)
   for n = 0, CLIENTS - 1 do
      local headers = {}
      for name, value in pairs(wrk.headers) do headers[name] = value end
      headers["X-Forwarded-For"] = string.format("10.0.%d.%d", math.floor(n / 256), n % 256)
      requests[n + 1] = wrk.format(nil, nil, headers)
   end
end

request = function()
   i = i % CLIENTS + 1
   return requests[i]
end
