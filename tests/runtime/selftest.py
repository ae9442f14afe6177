#!/usr/bin/env python3
"""Tests of the runtime test engine itself, with shell stand-ins for bpflua:
runs engine.py on tests/runtime/selftest/*.test and checks every verdict.

    python3 tests/runtime/selftest.py

In verdicts.test each NAME starts with the verdict the engine must print
(pass, fail, deferred, skip) and a fail's [bracketed text] must appear in
the reason it gives; the bad_*.test files must be refused with the message
given in their first comment line.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ENGINE = os.path.join(HERE, "engine.py")
FIXTURES = os.path.join(HERE, "selftest")
VERDICTS = {"pass": "PASS", "fail": "FAIL", "deferred": "DEFERRED", "skip": "SKIP"}


def engine(*args, env=None):
    r = subprocess.run([sys.executable, ENGINE, "--bpflua", "/bin/false"] + list(args),
                       capture_output=True, text=True, timeout=300, env=env)
    return r.returncode, r.stdout


def check_verdicts(jobs="1"):
    path = os.path.join(FIXTURES, "verdicts.test")
    names = re.findall(r"^NAME (.+)$", open(path).read(), re.M)
    rc, out = engine("-j", jobs, path)
    problems = verdict_problems(names, out)
    problems = ["-j %s: %s" % (jobs, p) for p in problems]
    if rc != 1:
        problems.append("-j %s: exit %d with failures, want 1" % (jobs, rc))
    if jobs != "1":
        return problems
    rc, out = engine("--filter", "^pass ", path)
    if rc != 0 or not out.endswith("%d passed, 0 failed\n" % sum(n.startswith("pass ") for n in names)):
        fails = [l for l in out.splitlines() if not l.startswith(("PASS ", "DEFERRED "))]
        problems.append("--filter '^pass ' run: exit %d: %s" % (rc, "\n".join(fails[-12:])))
    return problems


def verdict_problems(names, out, serial_fails=()):
    """Each test's verdict, in file order, and the summary lines; the
    names in serial_fails must FAIL instead (they need a neighbour)."""
    problems = []
    lines = [l for l in out.splitlines() if re.match(r"(PASS|FAIL|DEFERRED|SKIP) ", l)]
    for name, line in zip(names, lines):
        if not re.match(r"[A-Z]+ " + re.escape(name) + r"(:| \(|$)", line):
            problems.append("out of order: %r where %r belongs" % (line, name))
            break
    verdict = lambda name: "FAIL" if name in serial_fails else VERDICTS[name.split()[0]]
    for name in names:
        want = verdict(name)
        line = next((l for l in out.splitlines() if re.match(r"[A-Z]+ " + re.escape(name), l)), None)
        if line is None or not line.startswith(want + " "):
            problems.append("%r: want %s, got %r" % (name, want, line))
            continue
        reason = re.search(r"\[(.+)\]$", name)
        if want == "FAIL" and reason and reason.group(1) not in line[len(want) + len(name) + 1:]:
            problems.append("%r: reason lacks %r: %r" % (name, reason.group(1), line))
    n = {v: sum(1 for x in names if verdict(x) == v) for v in VERDICTS.values()}
    summary = "%d passed, %d failed" % (n["PASS"], n["FAIL"])
    if out.splitlines()[-1:] != [summary]:
        problems.append("last line is not %r" % summary)
    if n["DEFERRED"] and "%d deferred" % n["DEFERRED"] not in out:
        problems.append("deferred count missing")
    return problems


def check_parallel():
    """With -j 2 neighbours overlap and an ALONE test runs by itself; with
    -j 1 nothing overlaps (the overlap tests fail, the rest pass)."""
    path = os.path.join(FIXTURES, "parallel.test")
    names = re.findall(r"^NAME (.+)$", open(path).read(), re.M)
    problems = []
    for jobs in ("2", "1"):
        d = tempfile.mkdtemp(prefix="blself-")
        try:
            rc, out = engine("-j", jobs, path, env=dict(os.environ, BLSELF_DIR=d))
        finally:
            shutil.rmtree(d, ignore_errors=True)
        serial_fails = [n for n in names if "neighbour" in n] if jobs == "1" else ()
        problems += ["parallel.test -j %s: %s" % (jobs, p)
                     for p in verdict_problems(names, out, serial_fails)]
    return problems


def check_refusals():
    problems = []
    for path in sorted(glob.glob(os.path.join(FIXTURES, "bad_*.test"))):
        want = open(path).readline().lstrip("# ").strip()
        rc, out = engine(path)
        if rc != 1 or want not in out or not out.endswith("0 passed, 1 failed\n"):
            problems.append("%s: want refusal %r, got exit %d: %r" % (path, want, rc, out))
    return problems


def main():
    problems = check_verdicts() + check_verdicts("2") + check_parallel() + check_refusals()
    for p in problems:
        print("selftest: " + p)
    print("engine selftest: %s" % ("FAILED" if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
