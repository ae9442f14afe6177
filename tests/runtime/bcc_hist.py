#!/usr/bin/python3
"""bcc_hist.py - what BCC prints for a histogram: the reference of hist.test.

    bcc_hist.py log2|linear|json DATA [options]

Runs BCC's own code (bcc.table.TableBase.print_log2_hist / print_linear_hist /
print_json_hist,
with their decode_c_struct, _print_log2_hist, _print_linear_hist and _stars)
on a stand-in table holding DATA, so the output is BCC's byte for byte.
BCC itself is not compiled against a kernel: only its table formatting runs.

DATA: one entry a line, "SLOT COUNT..." or, with --sections, "SECTION SLOT
COUNT..."; several COUNTs are per-CPU values and are summed (BCC's printing
takes one value per key). SECTION is an integer, or a string with --comm
(the key struct is then { char comm[16]; u64 slot; }, else { u32 sec; u64
slot; }).

Options (each mirrors the Lua call under test):
  --val-type S, --section-header S, --strip
  --section-fmt F      section_print_fn = lambda b: F.format(b)
  --bucket-div N       bucket_fn = lambda b: b // N
  --sort               bucket_sort_fn = sorted
  --reverse            with --sort: sorted(..., reverse=True)
"""

import argparse
import ctypes as ct
import sys

from bcc.table import TableBase


class KeyInt(ct.Structure):
    _fields_ = [("sec", ct.c_uint), ("slot", ct.c_ulonglong)]


class KeyComm(ct.Structure):
    _fields_ = [("comm", ct.c_char * 16), ("slot", ct.c_ulonglong)]


class StandIn:
    """Just enough of a bcc table for TableBase's printing methods."""

    decode_c_struct = TableBase.decode_c_struct
    print_log2_hist = TableBase.print_log2_hist
    print_linear_hist = TableBase.print_linear_hist
    print_json_hist = TableBase.print_json_hist

    def __init__(self, key, entries):
        self.Key = key
        self.entries = entries

    def items(self):
        return self.entries


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["log2", "linear", "json"])
    ap.add_argument("data")
    ap.add_argument("--sections", action="store_true")
    ap.add_argument("--comm", action="store_true")
    ap.add_argument("--val-type", default="value")
    ap.add_argument("--section-header", default="Bucket ptr")
    ap.add_argument("--strip", action="store_true")
    ap.add_argument("--section-fmt")
    ap.add_argument("--bucket-div", type=int)
    ap.add_argument("--sort", action="store_true")
    ap.add_argument("--reverse", action="store_true")
    a = ap.parse_args()

    entries = []
    key = KeyComm if a.comm else KeyInt if a.sections else ct.c_int
    with open(a.data) as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if a.sections:
                sec = w.pop(0)
                sec = sec.encode() if a.comm else int(sec)
                k = key(sec, int(w.pop(0)))
            else:
                k = key(int(w.pop(0)))
            entries.append((k, ct.c_ulonglong(sum(int(x, 0) for x in w))))

    t = StandIn(key, entries)
    kw = dict(val_type=a.val_type, section_header=a.section_header,
              strip_leading_zero=a.strip or None)
    if a.section_fmt:
        kw["section_print_fn"] = lambda b: a.section_fmt.format(b)
    if a.bucket_div:
        kw["bucket_fn"] = lambda b: b // a.bucket_div
    if a.sort:
        kw["bucket_sort_fn"] = lambda l: sorted(l, reverse=a.reverse)
    if a.kind == "json":
        del kw["strip_leading_zero"]
        t.print_json_hist(**kw)
    elif a.kind == "log2":
        t.print_log2_hist(**kw)
    else:
        t.print_linear_hist(**kw)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
