-- task_tp.c on the sync tracepoint, for bench/run: says "ready" on
-- stderr once attached, then waits.
local dir = arg[0]:match("^(.*)/") or "."
local b = BPF{src_file = dir .. "/task_tp.c"}
b:attach_tracepoint{tp = "syscalls:sys_enter_sync", fn_name = "do_trace"}
io.stderr:write("ready\n")
local bl = require "bpflua"
while true do bl.sleep(1) end
