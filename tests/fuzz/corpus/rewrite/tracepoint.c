BPF_HISTOGRAM(dist);
TRACEPOINT_PROBE(syscalls, sys_enter_getpid) {
    dist.increment(bpf_log2l(bpf_get_current_pid_tgid() & 0xff));
    return 0;
}
