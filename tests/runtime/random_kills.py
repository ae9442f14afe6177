#!/usr/bin/env python3
"""random_kills.py BPFLUA UPROBE_TARGET TMP N - SIGKILLs a bpflua script N
times at random moments and reports what it leaves behind.

The script compiles a program no run has compiled before (a cache miss:
clang runs), then loads, attaches (a tracepoint and a uprobe) and cleans up
in a loop, saying each stage on stdout. Even runs are killed after a random
delay (mostly during compile); odd runs a few ms after a randomly chosen
stage (attach, detach, load) began, so every stage gets kills whatever the
build's speed. Every tenth
run starts from an empty cache directory, so the kill can also land in the
generation of vmlinux.h and its precompiled header. Prints, one per line:
  stage <name> <count>          where the kills landed (the script's last word)
  left processes <n>            bpflua processes of these runs still alive after 10 s
  left tracefs <n>              kprobe_events/uprobe_events lines they created
  left tmp after kills <n>      temporary files in the cache directories
  left tmp after next run <n>   the same once one more script has compiled
The BPF objects are named bltest_kill*: the caller checks them with
bpf_leftovers.
"""
import glob
import os
import random
import subprocess
import sys
import time

SCRIPT = r'''
local n = arg[1]
io.stdout:setvbuf("no")
io.write("compile\n")
local text = "BPF_HASH(bltest_kill_m, u32, u64);\n" ..
  "int bltest_kill_tp(void *c) { u32 k = " .. n .. "; u64 one = 1; bltest_kill_m.update(&k, &one); return 0; }\n" ..
  "int bltest_kill_up(struct pt_regs *c) { return 0; }\n"
while true do
  local b = BPF{text = text}
  io.write("attach\n")
  b:attach_tracepoint{tp = "syscalls:sys_enter_getppid", fn_name = "bltest_kill_tp"}
  b:attach_uprobe{name = arg[2], sym = "bl_target_add", fn_name = "bltest_kill_up"}
  io.write("detach\n")
  b:cleanup()
  io.write("load\n")
end
'''


def tracefs_lines():
    lines = []
    for f in ("/sys/kernel/tracing/kprobe_events", "/sys/kernel/tracing/uprobe_events"):
        try:
            with open(f) as fh:
                lines += [l for l in fh if "bltest" in l or "libbpf_" in l or "uprobe_target" in l]
        except OSError:
            pass
    return lines


def our_processes(marker):
    n = 0
    for p in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(p, "rb") as fh:
                if marker.encode() in fh.read():
                    n += 1
        except OSError:
            pass
    return n


def tmp_files(root):
    return [f for f in glob.glob(os.path.join(root, "**", "*.tmp*"), recursive=True)]


def main():
    bpflua, target, tmp, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    prog = os.path.join(tmp, "kill.lua")
    with open(prog, "w") as fh:
        fh.write(SCRIPT)
    cache = os.path.join(tmp, "cache")
    before = len(tracefs_lines())
    stages = {}
    rnd = random.Random(os.environ.get("BLTEST_SEED") or None)
    for i in range(n):
        if i % 10 == 0:
            subprocess.run(["rm", "-rf", cache], check=True)
        env = dict(os.environ, BPFLUA_CACHE_DIR=cache)
        p = subprocess.Popen([bpflua, prog, str(i), target], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        seen = []
        if i % 2:
            # Half the kills wait for a stage to begin, however slow this
            # build is (e.g. under ASan), then land a few ms into it.
            want = rnd.choice(["attach", "detach", "load"])
            deadline = time.time() + 120
            while time.time() < deadline:
                line = p.stdout.readline().decode(errors="replace").strip()
                if not line:
                    break
                seen.append(line)
                if line == want:
                    break
            time.sleep(rnd.uniform(0.0, 0.005))
        else:
            time.sleep(rnd.uniform(0.0, 3.0 if i % 10 == 0 else 0.6))
        p.kill()
        out = seen + p.communicate()[0].decode(errors="replace").split()
        stage = out[-1] if out else "start"
        stages[stage] = stages.get(stage, 0) + 1
    for s in sorted(stages):
        print("stage", s, stages[s])
    for _ in range(100):
        if our_processes(prog) == 0:
            break
        time.sleep(0.1)
    print("left processes", our_processes(prog))
    print("left tracefs", len(tracefs_lines()) - before)
    print("left tmp after kills", len(tmp_files(tmp)))
    env = dict(os.environ, BPFLUA_CACHE_DIR=cache)
    subprocess.run([bpflua, "-e", 'BPF{text = "int bltest_kill_last(void *c) { return 0; }"}'],
                   env=env, check=True)
    print("left tmp after next run", len(tmp_files(tmp)))


if __name__ == "__main__":
    main()
