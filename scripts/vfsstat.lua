#!/usr/bin/env bpflua
-- vfsstat: count some VFS calls per second (BCC's vfsstat). Needs kprobes
-- on the vfs_* functions (BCC uses fentry where it can; the counts are the
-- same).
local tool = require "bpflua.tool"

local p = tool.parser("vfsstat", "Count some VFS calls.", [[
    ./vfsstat             # count some VFS calls per second
    ./vfsstat -p 185      # trace PID 185 only
    ./vfsstat 2 5         # print 2 second summaries, 5 times]])
p:option("-p --pid", "trace this PID only"):convert(tool.positive)
p:argument("interval", "output interval, in seconds", "1"):convert(tool.positive)
p:argument("count", "number of outputs", "99999999"):convert(tool.positive)
local args = p:parse()

-- column order, BPF function and kernel function: the index is the stat key
local stats = {
  {"READ", "do_read", "vfs_read"}, {"WRITE", "do_write", "vfs_write"},
  {"FSYNC", "do_fsync", "vfs_fsync_range"}, {"OPEN", "do_open", "vfs_open"},
  {"CREATE", "do_create", "vfs_create"}, {"UNLINK", "do_unlink", "vfs_unlink"},
  {"MKDIR", "do_mkdir", "vfs_mkdir"}, {"RMDIR", "do_rmdir", "vfs_rmdir"},
}
local text = {[[
#include <uapi/linux/ptrace.h>

BPF_ARRAY(stats, u64, 9);

static void stats_try_increment(int key) {
    PID_FILTER
    stats.atomic_increment(key);
}
]]}
for i, s in ipairs(stats) do
  text[#text + 1] = string.format("void %s(struct pt_regs *ctx) { stats_try_increment(%d); }\n", s[2], i)
end
text = table.concat(text):gsub("PID_FILTER", args.pid
  and ("u32 pid = bpf_get_current_pid_tgid() >> 32; if (pid != " .. args.pid .. ") { return; }")
  or "")

local b = BPF{text = text}
for _, s in ipairs(stats) do b:attach_kprobe{event = s[3], fn_name = s[2]} end

local head = {string.format("%-8s  ", "TIME")}
for _, s in ipairs(stats) do head[#head + 1] = string.format(" %8s", s[1] .. "/s") end
print(table.concat(head))

local t = b["stats"]
tool.every(args.interval, args.count, function()
  local out = {string.format("%-8s: ", tool.clock())}
  for i = 1, #stats do
    out[#out + 1] = string.format(" %8d", math.floor((tonumber(t[i]) or 0) / args.interval))
  end
  t:clear()
  print(table.concat(out))
end)
