-- wrk -s bench/wrk/queries.lua: each request takes the next of a few dev queries (a keyword, a multi-word
-- phrase, a question, a typo'd variant), in the mode given by the MODE environment variable.
--   MODE=hybrid wrk -t1 -c1 -d20s --latency -s bench/wrk/queries.lua http://127.0.0.1:8520
local queries = {
  "农机购置补贴",
  "妇女儿童发展",
  "公共体育场馆对老百姓免费开放吗",
  "重大行政决测事项目录",
  "古树名木",
  "优化营商环境",
}
local mode = os.getenv("MODE") or "hybrid"
local paths = {}
local i = 0

local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

for k, q in ipairs(queries) do
  paths[k] = "/api/search?mode=" .. mode .. "&q=" .. encode(q)
end

request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
