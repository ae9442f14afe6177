#!/usr/bin/env python3
"""tables.py - table benchmark, BCC Python's side (bench/run runs it): what
bench/tables.lua does, with BCC's table API. Prints "OP keys N seconds S"."""
import ctypes as ct
import sys
import time

from bcc import BPF

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
b = BPF(text="BPF_HASH(bench_tab, u64, u64, %d);" % n)
t = b["bench_tab"]


def report(op, count, t0):
    print("%s keys %d seconds %.6f" % (op, count, time.monotonic() - t0), flush=True)


t0 = time.monotonic()
for k in range(1, n + 1):
    t[ct.c_ulonglong(k)] = ct.c_ulonglong(k)
report("update", n, t0)

t0 = time.monotonic()
s = 0
for k in range(1, n + 1):
    s += t[ct.c_ulonglong(k)].value
report("lookup", n, t0)

t0 = time.monotonic()
seen = 0
for _, v in t.items():
    seen += 1
    s += v.value
report("items", seen, t0)

t0 = time.monotonic()
t.clear()
report("clear", n, t0)
