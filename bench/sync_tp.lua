-- The sync example on the syscall tracepoint (this kernel has no kprobes),
-- for bench/run: says "ready" on stderr once attached, then waits.
local dir = arg[0]:match("^(.*)/") or "."
local b = BPF{src_file = dir .. "/sync_tp.c"}
b:attach_tracepoint{tp = "syscalls:sys_enter_sync", fn_name = "do_trace"}
io.stderr:write("ready\n")
b:trace_fields()
