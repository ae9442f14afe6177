-- metrics.lua - tables as Prometheus metrics: t:export{...} and
-- bpflua.serve_metrics("[ADDR:]PORT") (also `bpflua --metrics [ADDR:]PORT`).
--
-- Lua only checks the arguments and hands the table to C (runtime/metrics.c):
-- a scrape reads the maps on the HTTP server's own thread, so a script that
-- sleeps, polls buffers or prints is scraped all the same.
local args = require "bpflua.args"
local core = require "bpflua.core"
local tables = require "bpflua.table"

local M = {}

local TYPES = { counter = true, gauge = true, histogram = true }
local BUCKETS = { log2 = true, linear = true }

local p_export = args.spec("export", {
  { "name", "string", required = true }, { "help", "string" },
  { "type", "string", "counter" }, { "labels", "table" }, { "scale", "number" },
  { "buckets", "string", "log2" },
}, {
  receiver = "t",
  self = function(t) return type(t) == "table" and pcall(tables.state, t) end,
})

local function check_labels(labels)
  if not labels then return nil end
  for i, l in ipairs(labels) do
    if type(l) ~= "string" then
      args.error(string.format("export: labels[%d] must be a string, got %s", i, type(l)))
    end
  end
  return labels
end

-- t:export{name=, help=, type="counter"|"gauge"|"histogram", labels={...},
--          scale=, buckets="log2"|"linear"}
function tables.Table:export(...)
  local name, help, typ, labels, scale, buckets = p_export(self, ...)
  if not TYPES[typ] then
    args.error("export: type must be \"counter\", \"gauge\" or \"histogram\", got \"" .. typ .. "\"")
  end
  if not BUCKETS[buckets] then
    args.error("export: buckets must be \"log2\" or \"linear\", got \"" .. buckets .. "\"")
  end
  if scale and not (scale > 0 and scale < math.huge) then
    args.error("export: scale must be a positive number")
  end
  local st = tables.state(self)
  local ok, msg = st.life.obj:export(st.name, {
    name = name, help = help or ("bpflua table " .. st.name), type = typ,
    labels = check_labels(labels), scale = scale, linear = buckets == "linear",
  })
  if not ok then
    args.error(string.format("table '%s': export as '%s': %s", st.name, name, msg))
  end
  return self
end

-- Serves every exported table on GET /metrics at "[ADDR:]PORT".
function M.serve(spec)
  if type(spec) == "number" then spec = tostring(spec) end
  if type(spec) ~= "string" then
    args.error("serve_metrics: expected \"[ADDR:]PORT\", got " .. type(spec))
  end
  local ok, msg = core.metrics_serve(spec)
  if not ok then args.error("serve_metrics: " .. msg) end
end

return M
