-- wrk: POST the example corpus's cases to /v1/vurdering in turn, on keep-alive connections.
local dir = os.getenv("NORM_SAKER") or "examples/saker"
local bodies = {}
local p = io.popen('ls "' .. dir .. '"/*.json')
for path in p:lines() do
  local f = io.open(path, "rb")
  bodies[#bodies + 1] = f:read("*a")
  f:close()
end
p:close()
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/v1/vurdering", { ["Content-Type"] = "application/json" }, bodies[i])
end
