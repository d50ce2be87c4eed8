-- wrk: POST /v1/transfers, each request a new deposit (random counterparty from $ADDRS, a fresh
-- transaction hash), so every request registers and screens a transfer.
local addrs = {}
local key = os.getenv("KEY")
for line in io.lines(os.getenv("ADDRS")) do addrs[#addrs + 1] = line end
local n = 0
local thread_tag
setup = function(thread) thread:set("tag", tostring(math.random(1, 1e9))) end
init = function() thread_tag = tag or "0"; math.randomseed(os.time() + tonumber(thread_tag)) end
request = function()
  n = n + 1
  local h = string.format("0x%016x%016x%016x%016x", tonumber(thread_tag), n, math.random(0, 2^31), math.random(0, 2^31))
  local body = string.format(
    '{"chain":"ethereum","asset":"native","tx_hash":"%s","address":"%s","direction":"received","amount":"%d","user_id":"user-%d"}',
    h, addrs[math.random(#addrs)], math.random(1, 1e9), math.random(1, 5000))
  return wrk.format("POST", "/v1/transfers", { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end
