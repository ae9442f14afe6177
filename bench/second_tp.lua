-- The sync example compiled a second time in the same process, for
-- bench/run (run with --no-cache): the first BPF{} loads the compiler, the
-- second is timed from BPF{} to attached and said as "second_ms=N" before
-- "ready", as a script or the prompt making another BPF object sees it.
local dir = arg[0]:match("^(.*)/") or "."
local first = BPF{src_file = dir .. "/sync_tp.c"}
first:cleanup()
local t0 = BPF.monotonic_time()
local b = BPF{src_file = dir .. "/sync_tp.c"}
b:attach_tracepoint{tp = "syscalls:sys_enter_sync", fn_name = "do_trace"}
io.stderr:write(string.format("second_ms=%.3f\nready\n", (BPF.monotonic_time() - t0) / 1e6))
b:trace_fields()
