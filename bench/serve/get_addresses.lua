-- wrk: GET /v1/addresses/ethereum/ADDR over the addresses listed in $ADDRS (one a line), at random.
local addrs = {}
local key = os.getenv("KEY")
for line in io.lines(os.getenv("ADDRS")) do addrs[#addrs + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/v1/addresses/ethereum/" .. addrs[math.random(#addrs)], { ["Authorization"] = "Bearer " .. key })
end
