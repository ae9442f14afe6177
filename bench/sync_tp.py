# The sync example on the syscall tracepoint, in BCC Python, for bench/run.
import os
import sys

from bcc import BPF

b = BPF(src_file=os.path.join(os.path.dirname(os.path.abspath(__file__)), "sync_tp.c"))
b.attach_tracepoint(tp="syscalls:sys_enter_sync", fn_name="do_trace")
print("ready", file=sys.stderr, flush=True)
b.trace_fields()
