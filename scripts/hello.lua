#!/usr/bin/env bpflua
-- hello.lua: print "id <uid>" for each clone() (the BCC tutorial's
-- hello_fields.py, lesson 2)
io.stdout:setvbuf("line")

local b = BPF{text = [[
int hello_world(void *ctx) {
    u64 uid = bpf_get_current_uid_gid() & 0xFFFFFFFF;
    bpf_trace_printk("id %d\n", uid);
    return 0;
}
]]}

b:attach_kprobe{event = b:get_syscall_fnname("clone"), fn_name = "hello_world"}
print("Tracing clone()... Ctrl-C to end")
b:trace_print()
