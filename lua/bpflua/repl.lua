-- bpflua.repl: the interactive prompt.
--
-- Expressions print their values, unfinished input continues on the next
-- line, Tab completes Lua names, fields and methods (including a BPF
-- object's methods and tables) and, inside a string, kernel functions and
-- tracepoint names. Ctrl-C stops the running command and returns to the
-- prompt with probes kept; Ctrl-D exits (main.c then cleans up).
local rl = require("bpflua.readline")
local args = require("bpflua.args")

local M = {}

local HISTORY = (os.getenv("HOME") or "/root") .. "/.bpflua_history"
local INTERRUPT = "interrupted"

local function is_incomplete(err)
  return err:find("<eof>", 1, true) ~= nil
end

-- Compiles a line as an expression first, so that `2+2` prints 4.
local function compile(src)
  local f = loadstring("return " .. src, "=stdin")
  if f then return f end
  return loadstring(src, "=stdin")
end

local function report(ok, ...)
  if not ok then
    local err = ...
    if err == INTERRUPT then
      io.stderr:write("interrupted\n")
    else
      io.stderr:write(tostring(err), "\n")
    end
    return
  end
  local n = select("#", ...)
  if n == 0 then return end
  local out = {}
  for i = 1, n do out[i] = tostring((select(i, ...))) end
  print(table.concat(out, "\t"))
end

-- The traceback of the user's chunk only (args.traceback drops bpflua's own
-- frames). A chunk with no frames of its own shows none.
local function traceback(err)
  if err == INTERRUPT then return err end
  return args.traceback(tostring(err), 2)
end

-- Reads one complete chunk; nil at EOF, false when Ctrl-C dropped it.
local function read_chunk()
  local src = rl.readline("bpflua> ")
  if not src then return nil end
  if src == false then return false end
  while true do
    local f, err = compile(src)
    if f or not is_incomplete(err) then return src, f, err end
    local more = rl.readline(">> ")
    if more == false then return false end
    if more == nil then return src, nil, err end
    src = src .. "\n" .. more
  end
end

local completion = require("bpflua.completion")

function M.run()
  rl.history_file(HISTORY)
  rl.set_completer(completion.candidates)
  io.stdout:write("bpflua: BCC-style tracing in Lua. BPF is the BPF class; ",
                  "Tab completes, Ctrl-C stops a command, Ctrl-D exits.\n")
  while true do
    local src, f, err = read_chunk()
    if src == nil then io.stdout:write("\n") break end
    if src and src:find("%S") then
      rl.add_history(src)
      if f then
        report(xpcall(f, traceback))
      else
        io.stderr:write(err, "\n")
      end
    end
  end
  rl.history_file(HISTORY, true)
end

return M
