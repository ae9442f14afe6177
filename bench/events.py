#!/usr/bin/env python3
"""events.py - event stream benchmark, BCC Python's side (bench/run runs it):
what bench/events.lua does, with BCC's buffer API.

  events.py drain ring|perf UID CMD
  events.py steady ring|perf UID EMIT RATE SECONDS
Prints "records N first S" and "records N seconds S" (two drains, as
bench/events.lua) / "records N cpu_seconds S"."""
import os
import resource
import subprocess
import sys
import time

from bcc import BPF

mode, kind, uid = sys.argv[1], sys.argv[2], int(sys.argv[3])
cflags = ["-DUID=%d" % uid] + (["-DRING"] if kind == "ring" else [])
b = BPF(src_file=os.path.join(os.path.dirname(os.path.abspath(__file__)), "events_bcc.c"),
        cflags=cflags)
ev = b["events"]
state = {"n": 0, "sum": 0}


def on(ctx, data, size):
    state["n"] += 1
    state["sum"] += ev.event(data).seq


if kind == "ring":
    ev.open_ring_buffer(on)
    poll = b.ring_buffer_poll
else:
    ev.open_perf_buffer(on, page_cnt=4096)
    poll = b.perf_buffer_poll


def cpu():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


if mode == "drain":
    for label in ("first", "seconds"):
        state["n"] = 0
        subprocess.check_call(sys.argv[4], shell=True)
        t0 = time.monotonic()
        if kind == "ring":
            b.ring_buffer_consume()
        else:
            poll(0)
        print("records %d %s %.6f" % (state["n"], label, time.monotonic() - t0), flush=True)
else:
    rate, secs = int(sys.argv[5]), int(sys.argv[6])
    p = subprocess.Popen([sys.argv[4], str(uid), str(rate), str(secs)])
    c0, deadline = cpu(), time.monotonic() + secs + 5
    while state["n"] < rate * secs and time.monotonic() < deadline:
        poll(100)
    print("records %d cpu_seconds %.6f" % (state["n"], cpu() - c0), flush=True)
    p.wait()
