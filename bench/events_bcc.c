/* events_bcc.c - the BPF side of bench/events.lua and bench/events.py, in
 * BCC's dialect: one record per getpid syscall of uid UID (-DUID=n) into a
 * 16 MiB ring buffer (-DRING) or a perf buffer. */
struct rec { u64 ts; u32 pid; u32 seq; char comm[16]; };
#ifdef RING
BPF_RINGBUF_OUTPUT(events, 4096);
#else
BPF_PERF_OUTPUT(events);
#endif
BPF_ARRAY(seqs, u32, 1);

TRACEPOINT_PROBE(syscalls, sys_enter_getpid) {
  if ((bpf_get_current_uid_gid() & 0xffffffff) != UID)
    return 0;
  int zero = 0;
  u32 *s = seqs.lookup(&zero);
  if (!s)
    return 0;
  struct rec r = {};
  r.ts = bpf_ktime_get_ns();
  r.pid = bpf_get_current_pid_tgid() >> 32;
  r.seq = (*s)++;
  bpf_get_current_comm(r.comm, sizeof(r.comm));
#ifdef RING
  events.ringbuf_output(&r, sizeof(r), 0);
#else
  events.perf_submit(args, &r, sizeof(r));
#endif
  return 0;
}
