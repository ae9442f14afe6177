-- The sync example (or the program file named, of bench/) compiled a
-- second time in the same process, for bench/run (run with --no-cache):
-- the first BPF{} loads the compiler, the second is timed from BPF{} to
-- attached and said as "second_ms=N" before "ready", as a script or the
-- prompt making another BPF object sees it.
local dir = arg[0]:match("^(.*)/") or "."
local prog = dir .. "/" .. (arg[1] or "sync_tp.c")
local first = BPF{src_file = prog}
first:cleanup()
local t0 = BPF.monotonic_time()
local b = BPF{src_file = prog}
b:attach_tracepoint{tp = "syscalls:sys_enter_sync", fn_name = "do_trace"}
io.stderr:write(string.format("second_ms=%.3f\nready\n", (BPF.monotonic_time() - t0) / 1e6))
b:trace_fields()
