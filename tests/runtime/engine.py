#!/usr/bin/env python3
"""Runtime test engine for bpflua: runs the data-file suites tests/runtime/*.test.

Each test starts a bpflua script (RUN or PROG), waits until the script says it
is ready (BPFLUA_READY_FD), runs an event generator (AFTER), stops the script
and checks its exit status, stdout and stderr. The file format, the directives
and the stages are documented in tests/README.md. Python 3 standard library only.
"""

import argparse
import ctypes
import errno
import fcntl
import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TRACEFS = "/sys/kernel/tracing"
FEATURES = ("kprobes", "fentry", "uprobes", "tracepoints", "raw_tracepoints", "tcx")
VM_FEATURES = {"kprobes", "fentry"}  # what the VM stage (tests/vm/run-suites) adds
VM_LACKS = {"tcx"}                   # what its older kernel (6.1) lacks
DEFAULT_TIMEOUT = 30.0
DEFAULT_SETTLE = 0.5
TAIL_LINES = 25
SIGNALS = {"INT": signal.SIGINT, "KILL": signal.SIGKILL, "NONE": None}
PLACEHOLDER_RE = re.compile(r"\{\{([A-Z_]+)\}\}")
PLACEHOLDERS = {"BPFLUA", "TESTPROGS", "ROOT", "TMP", "PROG"}
# Directives taking a regex (or, for EXPECT, a literal line) and how they judge.
OUTPUT_CHECKS = {
    "EXPECT": ("stdout", "line"), "EXPECT_REGEX": ("stdout", "some"),
    "EXPECT_NONE": ("stdout", "none"), "EXPECT_COUNT": ("stdout", "count"),
    "EXPECT_STDERR_REGEX": ("stderr", "some"), "EXPECT_STDERR_NONE": ("stderr", "none"),
    "EXPECT_STDERR_COUNT": ("stderr", "count"),
}
SINGLE = {"RUN", "PROG", "AFTER", "EXIT", "SIGNAL", "TIMEOUT", "SETTLE", "ALONE"}
MULTI = {"SETUP", "AFTER_CHECK", "REQUIRES"} | set(OUTPUT_CHECKS)


class ParseError(Exception):
    pass


@dataclass
class Check:
    directive: str
    stream: str        # "stdout" or "stderr"
    how: str           # "line", "some", "none", "count"
    text: str          # the literal line or the regex source
    regex: object = None
    count: int = 0

    def positive(self):
        return self.how in ("line", "some") or (self.how == "count" and self.count > 0)

    def judge(self, lines):
        """Returns None when the check holds, else why not."""
        if self.how == "line":
            ok = self.text in (l.rstrip() for l in lines)
            return None if ok else "no %s line is exactly %r" % (self.stream, self.text)
        n = sum(1 for l in lines if self.regex.search(l))
        if self.how == "some" and n == 0:
            return "no %s line matches /%s/" % (self.stream, self.text)
        if self.how == "none" and n:
            return "%d %s line(s) match /%s/, expected none" % (n, self.stream, self.text)
        if self.how == "count" and n != self.count:
            return "%d %s line(s) match /%s/, expected %d" % (n, self.stream, self.text, self.count)
        return None


@dataclass
class Test:
    name: str
    where: str                      # "file.test:LINE"
    d: dict = field(default_factory=dict)   # SINGLE directives: value
    setup: list = field(default_factory=list)
    after_check: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    requires: list = field(default_factory=list)   # (feature, wanted: bool)

    @property
    def timeout(self):
        return float(self.d.get("TIMEOUT", DEFAULT_TIMEOUT))

    @property
    def settle(self):
        return float(self.d.get("SETTLE", DEFAULT_SETTLE))

    @property
    def signal_name(self):
        return self.d.get("SIGNAL", "INT" if "AFTER" in self.d else "NONE")

    @property
    def expected_exit(self):
        """An int exit status, or a negative signal number ("killed by")."""
        if "EXIT" in self.d:
            return self.d["EXIT"]
        return {"INT": 130, "KILL": -signal.SIGKILL, "NONE": 0}[self.signal_name]

    def needs_vm(self):
        return any(f in (VM_FEATURES if w else VM_LACKS) for f, w in self.requires)


# ---------------------------------------------------------------- parsing

def parse_exit(value):
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    sig = getattr(signal, value if value.startswith("SIG") else "SIG" + value, None)
    if not isinstance(sig, signal.Signals):
        raise ParseError("EXIT takes a status or a signal name (SIGKILL), not %r" % value)
    return -int(sig)


def parse_check(key, value):
    stream, how = OUTPUT_CHECKS[key]
    check = Check(key, stream, how, value)
    if how == "count":
        m = re.fullmatch(r"(\d+)\s+(.+)", value)
        if not m:
            raise ParseError("%s takes a count and a regex" % key)
        check.count, check.text = int(m.group(1)), m.group(2)
    if how != "line":
        try:
            check.regex = re.compile(check.text)
        except re.error as e:
            raise ParseError("bad regex /%s/: %s" % (check.text, e))
    return check


def parse_requires(value):
    reqs = []
    for word in value.split():
        wanted = not word.startswith("!")
        feat = word.lstrip("!")
        if feat not in FEATURES:
            raise ParseError("unknown feature %r (known: %s)" % (feat, ", ".join(FEATURES)))
        reqs.append((feat, wanted))
    return reqs


def add_directive(test, key, value):
    if key in SINGLE and key in test.d:
        raise ParseError("%s given twice" % key)
    if key == "EXIT":
        test.d[key] = parse_exit(value)
    elif key == "SIGNAL":
        if value not in SIGNALS:
            raise ParseError("SIGNAL is one of %s" % "|".join(SIGNALS))
        test.d[key] = value
    elif key in ("TIMEOUT", "SETTLE"):
        try:
            test.d[key] = float(value)
        except ValueError:
            raise ParseError("%s takes seconds, not %r" % (key, value))
    elif key in SINGLE:
        test.d[key] = value
    elif key == "SETUP":
        test.setup.append(value)
    elif key == "AFTER_CHECK":
        test.after_check.append(value)
    elif key == "REQUIRES":
        test.requires += parse_requires(value)
    else:
        test.checks.append(parse_check(key, value))


def validate(test):
    if "RUN" not in test.d and "PROG" not in test.d:
        raise ParseError("needs RUN or PROG")
    if "RUN" in test.d and "PROG" in test.d and "{{PROG}}" not in test.d["RUN"]:
        raise ParseError("RUN given with PROG must use {{PROG}}")
    if not any(c.positive() for c in test.checks) and not test.after_check:
        raise ParseError("asserts nothing that could fail: add EXPECT, EXPECT_REGEX, "
                         "EXPECT_COUNT N>0, EXPECT_STDERR_REGEX or AFTER_CHECK")
    texts = [test.d.get(k, "") for k in ("RUN", "PROG", "AFTER")] + test.setup + test.after_check
    for text in texts:
        for name in PLACEHOLDER_RE.findall(text):
            if name not in PLACEHOLDERS:
                raise ParseError("unknown placeholder {{%s}}" % name)


def parse_file(path):
    """Returns the tests of one .test file; raises ParseError("file:line: why")."""
    tests, test = [], None
    lines = open(path, encoding="utf-8").read().split("\n")
    base = os.path.basename(path)
    i = 0
    while i < len(lines):
        lineno, raw = i + 1, lines[i]
        i += 1
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition(" ")
        value = value.strip()
        try:
            if key == "NAME":
                if not value:
                    raise ParseError("NAME needs a name")
                test = Test(value, "%s:%d" % (base, lineno))
                tests.append(test)
                continue
            if test is None:
                raise ParseError("%s before the first NAME" % key)
            if key == "PROG" and not value:
                end = next((j for j in range(i, len(lines)) if lines[j].strip() == "END"), None)
                if end is None:
                    raise ParseError("PROG block without an END line")
                value, i = "\n".join(lines[i:end]) + "\n", end + 1
            elif not value:
                raise ParseError("%s needs a value" % key)
            if key not in SINGLE | MULTI:
                raise ParseError("unknown directive %s" % key)
            add_directive(test, key, value)
        except ParseError as e:
            raise ParseError("%s:%d: %s" % (path, lineno, e))
    for t in tests:
        try:
            validate(t)
        except ParseError as e:
            raise ParseError("%s:%s (test %r): %s" % (path, t.where.split(":")[1], t.name, e))
    return tests


# ---------------------------------------------------------------- the kernel

def ensure_tracefs():
    """Mounts tracefs when needed; returns an error string or None."""
    if os.path.exists(os.path.join(TRACEFS, "trace")):
        return None
    r = subprocess.run(["mount", "-t", "tracefs", "nodev", TRACEFS],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return "cannot mount tracefs at %s: %s" % (TRACEFS, r.stderr.strip())
    return None


def trace_pipe_holder():
    """None when trace_pipe can be opened (it admits one reader at a time),
    else who holds it, e.g. "pid 123 (bpflua sync.lua)"."""
    path = os.path.join(TRACEFS, "trace_pipe")
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
        return None
    except OSError as e:
        if e.errno != errno.EBUSY:
            return None
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir("/proc/%s/fd" % pid)
            if any(os.readlink("/proc/%s/fd/%s" % (pid, fd)) == path for fd in fds):
                cmd = open("/proc/%s/cmdline" % pid, "rb").read().replace(b"\0", b" ")
                return "pid %s (%s)" % (pid, cmd.decode("utf-8", "replace").strip())
        except OSError:
            continue
    return "an unknown process"


def wait_for_trace_pipe(seconds=10):
    """Gives a tracer that reads trace_pipe a moment to finish; returns who
    still holds it, or None."""
    deadline = time.monotonic() + seconds
    holder = trace_pipe_holder()
    while holder and time.monotonic() < deadline:
        time.sleep(0.2)
        holder = trace_pipe_holder()
    return holder


def lock_machine():
    """Serializes engine runs on one machine: ALONE tests clear and read the
    global trace buffer, and two runs would also share the CPUs and the
    machine-wide state ALONE tests check. One run holds it as a whole, however
    many tests it runs at once (-j)."""
    f = open("/tmp/bpflua-runtime-tests.lock", "w")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("waiting for another runtime test run on this machine to finish ...", flush=True)
        fcntl.flock(f, fcntl.LOCK_EX)
    return f


def clear_trace_buffer():
    """trace_pipe is global: drop what earlier tests (or others) left in it."""
    try:
        with open(os.path.join(TRACEFS, "trace"), "w"):
            pass
    except OSError:
        pass


def probe_raw_tracepoints():
    """BPF_RAW_TRACEPOINT_OPEN with no program: EBADF if the command exists."""
    libc = ctypes.CDLL(None, use_errno=True)
    name = ctypes.create_string_buffer(b"sys_enter")
    attr = (ctypes.c_uint64 * 16)()
    attr[0] = ctypes.addressof(name)
    attr[1] = 0xFFFFFFFF  # prog_fd = -1
    sys_bpf = {"x86_64": 321, "aarch64": 280}.get(os.uname().machine)
    if sys_bpf is None:
        return "cannot probe raw tracepoints on %s: unknown bpf() syscall number" % os.uname().machine
    BPF_RAW_TRACEPOINT_OPEN = 17
    fd = libc.syscall(sys_bpf, BPF_RAW_TRACEPOINT_OPEN, attr, ctypes.sizeof(attr))
    if fd >= 0:
        os.close(fd)
        return True
    return ctypes.get_errno() == 9  # EBADF: the command exists, our fd does not


class Features:
    """What the running kernel offers, probed once per feature on first use."""

    def __init__(self, bpflua):
        self.bpflua = bpflua
        self.cache = {}

    def has(self, feat):
        if feat not in self.cache:
            self.cache[feat] = getattr(self, "_" + feat)()
        return self.cache[feat]

    def _kprobes(self):
        return os.path.isdir("/sys/bus/event_source/devices/kprobe")

    def _uprobes(self):
        return os.path.isdir("/sys/bus/event_source/devices/uprobe")

    def _tracepoints(self):
        return os.path.isdir(os.path.join(TRACEFS, "events", "syscalls"))

    def _raw_tracepoints(self):
        return probe_raw_tracepoints()

    def _tcx(self):
        """tcx links (attach_tc) came in Linux 6.6."""
        m = re.match(r"(\d+)\.(\d+)", os.uname().release)
        return bool(m) and (int(m.group(1)), int(m.group(2))) >= (6, 6)

    def _fentry(self):
        """Only bpflua can tell (a program must load). Returns a string (an
        error) when it cannot answer: then the tests needing fentry fail."""
        cmd = [self.bpflua, "-e", 'io.write(BPF.support_kfunc() and "yes" or "no")']
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as e:
            return "cannot ask bpflua whether fentry works: %s" % e
        if r.returncode == 0 and r.stdout in ("yes", "no"):
            return r.stdout == "yes"
        return "cannot ask bpflua whether fentry works: %s: %s, stdout %r, stderr %r" % (
            " ".join(map(shlex.quote, cmd)), describe_status(r.returncode),
            r.stdout[-100:], r.stderr.strip()[-300:])


# ---------------------------------------------------------------- running

@dataclass
class Outcome:
    status: str            # PASS, FAIL, DEFERRED, SKIP
    reason: str = ""
    seconds: float = 0.0
    stdout: str = ""
    stderr: str = ""
    extra: str = ""        # output of SETUP/AFTER/AFTER_CHECK commands, for failures


def describe_status(code):
    if code is None:
        return "still running"
    if code < 0:
        return "killed by %s" % signal.Signals(-code).name
    return "exit %d" % code


class Reader(threading.Thread):
    """Drains one pipe of the script into memory (stdout stays a real pipe)."""

    def __init__(self, f):
        super().__init__(daemon=True)
        self.f, self.chunks = f, []
        self.start()

    def run(self):
        for chunk in iter(lambda: self.f.read1(65536), b""):
            self.chunks.append(chunk)

    def text(self):
        return b"".join(self.chunks).decode("utf-8", "replace")


class Runner:
    def __init__(self, bpflua, scale, keep):
        self.bpflua, self.scale, self.keep = bpflua, scale, keep
        self.pipe_holder = None
        self.testprogs = os.path.join(ROOT, "build", "testprogs")
        self.lock = threading.Lock()
        self.procs = set()   # scripts running now, killed if the engine is interrupted

    def subst(self, text, values, shell):
        quote = shlex.quote if shell else (lambda s: s)
        return PLACEHOLDER_RE.sub(lambda m: quote(values[m.group(1)]), text)

    def shell(self, cmd, deadline):
        """Runs a helper command (SETUP, AFTER, AFTER_CHECK); returns (status, output)."""
        try:
            r = subprocess.run(["bash", "-c", cmd], cwd=ROOT, stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=max(deadline - time.monotonic(), 0.1),
                               start_new_session=True)
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"") + (e.stderr or b"")
            return None, out.decode("utf-8", "replace")
        return r.returncode, (r.stdout + r.stderr).decode("utf-8", "replace")

    def run(self, test):
        # Wait (once per holder, not before every test) for a tracer someone
        # else runs on this machine to let go of trace_pipe.
        with self.lock:
            holder = trace_pipe_holder()
            if holder and holder != self.pipe_holder:
                holder = wait_for_trace_pipe()
            self.pipe_holder = holder
        tmp = tempfile.mkdtemp(prefix="bltest-")
        start = time.monotonic()
        try:
            out = self.run_in(test, tmp, start + test.timeout * self.scale)
        finally:
            if not self.keep:
                shutil.rmtree(tmp, ignore_errors=True)
        out.seconds = time.monotonic() - start
        return out

    def run_in(self, test, tmp, deadline):
        values = {"BPFLUA": self.bpflua, "TESTPROGS": self.testprogs, "ROOT": ROOT,
                  "TMP": tmp, "PROG": os.path.join(tmp, "prog.lua")}
        if "PROG" in test.d:
            with open(values["PROG"], "w") as f:
                f.write(self.subst(test.d["PROG"], values, False))
        for cmd in test.setup:
            status, output = self.shell(self.subst(cmd, values, True), deadline)
            if status != 0:
                return Outcome("FAIL", "SETUP `%s` %s" % (cmd, describe_status(status)),
                               extra=output)
        log = ["--- warning: trace_pipe is held by %s: reading it fails with EBUSY"
               % self.pipe_holder] if self.pipe_holder else []
        if "ALONE" in test.d:
            clear_trace_buffer()  # only these read the kernel's pipe
        cmd = self.subst(test.d.get("RUN", "{{BPFLUA}} {{PROG}}"), values, True)
        return self.run_script(test, cmd, values, deadline, log)

    def run_script(self, test, cmd, values, deadline, log):
        # start_new_session and default SIGINT: the script is stopped as a
        # terminal's Ctrl-C stops it, even when the engine itself was started
        # in the background by a shell (which sets SIGINT to ignored, and a
        # bash script cannot trap a signal ignored at its start).
        # (main() makes sure the engine does not ignore SIGINT: a preexec_fn
        # restoring it is unsafe with the threads of -j.)
        rfd, wfd = os.pipe()
        env = dict(os.environ, BPFLUA_READY_FD=str(wfd))
        try:
            proc = subprocess.Popen(["bash", "-c", cmd], cwd=ROOT, env=env,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, pass_fds=(wfd,),
                                    start_new_session=True)
        finally:
            os.close(wfd)
        with self.lock:
            self.procs.add(proc)
        readers = Reader(proc.stdout), Reader(proc.stderr)
        try:
            failure = self.drive(test, proc, rfd, values, deadline, log)
        finally:
            os.close(rfd)
            kill_group(proc, signal.SIGKILL)
            proc.wait()
            with self.lock:
                self.procs.discard(proc)
            for r in readers:
                r.join(2)
        out = Outcome("PASS", stdout=readers[0].text(), stderr=readers[1].text(),
                      extra="\n".join(log))
        failure = failure or self.judge(test, proc.returncode, out)
        if not failure:
            failure = self.after_checks(test, values, log)
            out.extra = "\n".join(log)
        if failure:
            out.status, out.reason = "FAIL", failure
        return out

    def drive(self, test, proc, rfd, values, deadline, log):
        """Waits for READY, runs AFTER, stops the script. Returns a failure or None."""
        if not wait_ready(rfd, deadline):
            kill_group(proc, signal.SIGKILL)
            return "not READY within %.0fs (no byte on BPFLUA_READY_FD, still running)" % (
                test.timeout * self.scale)
        failure = None
        if "AFTER" in test.d:
            status, output = self.shell(self.subst(test.d["AFTER"], values, True), deadline)
            if status != 0 or output.strip():
                log.append("--- AFTER (%s):\n%s" % (describe_status(status), output))
            if status != 0:
                failure = "AFTER `%s` %s" % (
                    test.d["AFTER"], "timed out" if status is None else describe_status(status))
        sig = SIGNALS[test.signal_name]
        if sig is not None and wait_exit(proc, min(deadline, time.monotonic() + test.settle * self.scale)) is None:
            kill_group(proc, sig)
        if wait_exit(proc, deadline) is None:
            return failure or "timed out after %.0fs (TIMEOUT), script still running" % (
                test.timeout * self.scale)
        return failure

    def judge(self, test, code, out):
        want = test.expected_exit
        if code != want:
            return "%s, expected %s" % (describe_status(code), describe_status(want))
        streams = {"stdout": out.stdout.splitlines(), "stderr": out.stderr.splitlines()}
        for check in test.checks:
            why = check.judge(streams[check.stream])
            if why:
                return "%s: %s" % (check.directive, why)
        return None

    def after_checks(self, test, values, log):
        for cmd in test.after_check:
            status, output = self.shell(self.subst(cmd, values, True), time.monotonic() + 30)
            log.append("--- AFTER_CHECK `%s` (%s):\n%s" % (cmd, describe_status(status), output))
            if status != 0:
                return "AFTER_CHECK `%s` %s" % (cmd, describe_status(status))
        return None


def wait_ready(rfd, deadline):
    """True once the script wrote its READY byte or closed the pipe (it exited
    or will never say); False when the deadline passed first."""
    remaining = deadline - time.monotonic()
    while remaining > 0:
        readable, _, _ = select.select([rfd], [], [], remaining)
        if readable:
            os.read(rfd, 1)  # a byte: READY; b"": every writer closed it
            return True
        remaining = deadline - time.monotonic()
    return False


def wait_exit(proc, deadline):
    try:
        return proc.wait(timeout=max(deadline - time.monotonic(), 0))
    except subprocess.TimeoutExpired:
        return None


def kill_group(proc, sig):
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


# ---------------------------------------------------------------- stages

def classify(test, stage, features):
    """Returns (action, note): action is run, defer, skip or fail."""
    if stage == "vm" and not test.needs_vm():
        return "drop", ""
    missing, excluded = [], []
    for feat, wanted in test.requires:
        has = features.has(feat)
        if isinstance(has, str):
            return "fail", has
        if wanted and not has:
            missing.append(feat)
        if not wanted and has:
            excluded.append(feat)
    if stage == "host" and (missing or excluded) and set(missing) <= VM_FEATURES \
            and set(excluded) <= VM_LACKS:
        needs = missing + ["a kernel without " + f for f in excluded]
        return "defer", "needs %s: VM stage" % ", ".join(needs)
    if excluded:
        return "skip", "needs a kernel without %s" % ", ".join(excluded)
    if not missing:
        return "run", ""
    needs = ", ".join(missing)
    if stage == "vm":
        return "fail", "requires %s, which the VM stage's kernel lacks" % needs
    if set(missing) <= VM_FEATURES:
        return "defer", "needs %s: VM stage" % needs
    return "fail", "requires %s, which neither this kernel nor the VM stage provides" % needs


def tail(text, n=TAIL_LINES):
    lines = text.rstrip("\n").split("\n")
    cut = ["    ... (%d lines before)" % (len(lines) - n)] if len(lines) > n else []
    return "\n".join(cut + ["    " + l for l in lines[-n:]])


def report(test, out, verbose):
    if out.status == "PASS":
        print("PASS %s (%.1fs)" % (test.name, out.seconds))
    elif out.status == "FAIL":
        print("FAIL %s: %s  [%s]" % (test.name, out.reason, test.where))
    elif out.status == "DEFERRED":
        print("DEFERRED %s (%s)" % (test.name, out.reason))
    else:
        print("SKIP %s (%s)" % (test.name, out.reason))
    if out.status == "FAIL" or (verbose and out.status == "PASS"):
        for label, text in (("stdout", out.stdout), ("stderr", out.stderr), ("commands", out.extra)):
            if text.strip():
                print("  --- %s:" % label)
                print(text.rstrip("\n") if verbose else tail(text))
    sys.stdout.flush()


def load(paths, name_filter):
    tests, names, errors = [], {}, []
    for path in paths:
        try:
            for t in parse_file(path):
                if t.name in names:
                    raise ParseError("%s: test name %r already used at %s" % (path, t.name, names[t.name]))
                names[t.name] = t.where
                tests.append(t)
        except (ParseError, OSError) as e:
            errors.append(str(e))
    if name_filter:
        tests = [t for t in tests if re.search(name_filter, t.name)]
    return tests, errors


def unignore_signals():
    """Scripts must stop on SIGINT as a terminal's Ctrl-C stops them, but a
    shell starting the engine in the background ignores SIGINT and SIGQUIT,
    children inherit that, and a bash script cannot trap a signal ignored at
    its start. A handled signal is reset to its default at exec: handle them."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if signal.getsignal(signal.SIGQUIT) == signal.SIG_IGN:
        signal.signal(signal.SIGQUIT, lambda *_: None)


class Scheduler:
    """Runs up to `jobs` tests at once, an ALONE test by itself; starts them
    in file order and prints each verdict in that order as soon as it and all
    before it are known, so the output is the same as a serial run's."""

    def __init__(self, jobs, verbose):
        self.jobs, self.verbose = jobs, verbose
        self.cv = threading.Condition()
        self.running = 0          # slots taken: 1 per test, all of them for ALONE
        self.results = []         # [test, Outcome or None] in file order
        self.printed = 0
        self.counts = {"PASS": 0, "FAIL": 0, "DEFERRED": 0, "SKIP": 0}

    def add(self, test, outcome=None, run=None, alone=False):
        """A known outcome, or run() -> Outcome in a thread once slots allow."""
        with self.cv:
            slot = [test, outcome]
            self.results.append(slot)
            if run is None:
                self._flush()
                return
            need = self.jobs if alone else 1
            self.cv.wait_for(lambda: self.running + need <= self.jobs)
            self.running += need
        threading.Thread(target=self._run, args=(slot, run, need), daemon=True).start()

    def _run(self, slot, run, need):
        try:
            out = run()
        except Exception as e:  # an engine bug: say so, do not hang the run
            out = Outcome("FAIL", "engine error: %r" % e)
        with self.cv:
            slot[1] = out
            self.running -= need
            try:
                self._flush()
            finally:
                self.cv.notify_all()

    def _flush(self):
        while self.printed < len(self.results) and self.results[self.printed][1]:
            test, out = self.results[self.printed]
            self.counts[out.status] += 1
            report(test, out, self.verbose)
            self.printed += 1

    def wait(self):
        with self.cv:
            self.cv.wait_for(lambda: self.running == 0)
        return self.counts


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run bpflua's runtime test suites (tests/README.md).")
    ap.add_argument("suites", nargs="+", help=".test files")
    ap.add_argument("--bpflua", default=os.path.join(ROOT, "build", "bpflua"))
    ap.add_argument("--stage", choices=("host", "vm"), default="host",
                    help="host: what this kernel can run, defer kprobes/fentry tests; "
                         "vm: only the tests that need kprobes/fentry")
    ap.add_argument("--filter", help="run only tests whose NAME matches this regex")
    ap.add_argument("--time-scale", type=float,
                    help="multiply TIMEOUT and SETTLE (default 1, or 3 with --stage vm: TCG is slow)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every test's output")
    ap.add_argument("-k", "--keep", action="store_true", help="keep each test's {{TMP}} dir")
    ap.add_argument("--list", action="store_true", help="list the tests and where they run")
    ap.add_argument("-j", "--jobs", type=int, default=1,
                    help="run up to N tests at once (ALONE tests still run by themselves)")
    args = ap.parse_args(argv)
    bpflua = os.path.abspath(args.bpflua)
    scale = args.time_scale or (3.0 if args.stage == "vm" else 1.0)

    tests, errors = load(args.suites, args.filter)
    for e in errors:
        print("FAIL %s" % e)
    tracefs_error = ensure_tracefs()
    if tracefs_error:
        print("warning: %s" % tracefs_error)
    features = Features(bpflua)
    if args.list:
        for t in tests:
            action, note = classify(t, args.stage, features)
            if action != "drop":
                req = " ".join(("" if w else "!") + f for f, w in t.requires)
                print("%-60s %-18s %s%s" % (t.name, t.where, action, " (%s)" % note if note else "")
                      + ("  REQUIRES %s" % req if req else ""))
        return 1 if errors else 0

    if args.jobs < 1:
        ap.error("-j takes a number of tests, at least 1")
    unignore_signals()
    lock = lock_machine()  # held until exit
    runner = Runner(bpflua, scale, args.keep)
    sched = Scheduler(args.jobs, args.verbose)
    try:
        for t in tests:
            action, note = classify(t, args.stage, features)
            if action == "drop":
                continue
            if action == "run":
                sched.add(t, run=lambda t=t: runner.run(t), alone="ALONE" in t.d)
            else:
                sched.add(t, Outcome({"defer": "DEFERRED", "skip": "SKIP", "fail": "FAIL"}[action], note))
        counts = sched.wait()
    except KeyboardInterrupt:
        with runner.lock:
            for proc in runner.procs:
                kill_group(proc, signal.SIGKILL)
        raise
    counts["FAIL"] += len(errors)
    if counts["DEFERRED"]:
        print("%d deferred to the VM stage (tests/vm/run-suites)" % counts["DEFERRED"])
    if counts["SKIP"]:
        print("%d skipped: this kernel has a feature they must run without" % counts["SKIP"])
    print("%d passed, %d failed" % (counts["PASS"], counts["FAIL"]))
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
