/* attach.h - attaching programs to probes, and detaching them.
 *
 * Every attachment is fd-based (perf_event PMU kprobes/uprobes, tracepoint
 * perf events, BPF links), never a tracefs kprobe_events/uprobe_events
 * entry, so nothing outlives the process even after SIGKILL.
 *
 * One file per probe kind (attach_kprobe.c, attach_tracepoint.c, ...). Each
 * picks the program type it loads the function as (bl_object_prog).
 * bl_attach_kprobe() implements the fallback chain (README.md, "When the
 * kernel has no kprobes"; bpflua(1), KERNELS WITHOUT KPROBES) when the kernel
 * has no kprobes: syscall functions go to syscalls:sys_enter_X / sys_exit_X
 * tracepoints, others to fentry/fexit where the kernel allows; otherwise an
 * error naming the reason and the alternatives. The link records the
 * mechanism used (`via`) and, once per kind of fallback, the note to show.
 *
 * Prepare: with out NULL, each bl_attach_* does everything but the attach
 * itself (checks, the fallback decision, loading the program instance,
 * reading the tracepoint id or the kprobe PMU), so a script attaching
 * several probes at once can do all its loading and file reading before the
 * first probe is live: the attach that follows finds it all cached.
 */
#ifndef BL_ATTACH_H
#define BL_ATTACH_H

#include "err.h"

struct bl_object;
struct bl_link;

enum bl_probe_kind {
	BL_PROBE_KPROBE,
	BL_PROBE_KRETPROBE,
	BL_PROBE_TRACEPOINT,
	BL_PROBE_RAW_TRACEPOINT,
	BL_PROBE_UPROBE,
	BL_PROBE_URETPROBE,
	BL_PROBE_KFUNC,
	BL_PROBE_KRETFUNC,
	BL_PROBE_PERF_EVENT,
	BL_PROBE_USDT,
	BL_PROBE_LSM,
	BL_PROBE_SOCKET,
	BL_PROBE_XDP,
	BL_PROBE_CGROUP,
	BL_PROBE_SOCKMAP,
	BL_PROBE_NETNS,
	BL_PROBE_TC,
};

struct bl_link_info {
	enum bl_probe_kind kind;
	char fn[128];       /* the BPF function */
	char target[512];   /* what the user asked for: "ksys_sync", "syscalls:sys_enter_sync", "/usr/lib/.../libc.so.6:sync" */
	char via[256];      /* "" when attached as asked; else the fallback, e.g. "tracepoint syscalls:sys_enter_sync" */
	/* "" or, the first time this kind of probe falls back to this kind of
	 * mechanism in the process, the sentence to tell the user: "kprobes
	 * are not available on this kernel; attached X via Y". */
	char note[1024];
};

/* kretprobes take the kernel's default number of instances: its perf
 * kprobe PMU has no maxactive (so bpf.lua refuses one). */
int bl_attach_kprobe(struct bl_object *o, const char *fn, const char *func,
		     unsigned long offset, int retprobe,
		     struct bl_link **out, struct bl_err *e);
/* tp is "category:event". */
int bl_attach_tracepoint(struct bl_object *o, const char *fn, const char *tp,
			 struct bl_link **out, struct bl_err *e);
int bl_attach_raw_tracepoint(struct bl_object *o, const char *fn, const char *tp,
			     struct bl_link **out, struct bl_err *e);
/* path is a resolved file path; sym (may be NULL) is resolved in its ELF
 * symbol table and `offset` added; pid -1 means all processes. */
int bl_attach_uprobe(struct bl_object *o, const char *fn, const char *path,
		     const char *sym, unsigned long offset, int pid, int retprobe,
		     struct bl_link **out, struct bl_err *e);
struct bl_usdt_note;
/* A USDT probe location of the ELF at path (bl_usdt_notes), its argument
 * spec in slot `slot` of the program's specs (usdt.h); pid -1: all processes. */
int bl_attach_usdt(struct bl_object *o, const char *fn, const char *path,
		   const struct bl_usdt_note *n, int pid, int slot,
		   struct bl_link **out, struct bl_err *e);
int bl_attach_kfunc(struct bl_object *o, const char *fn, const char *func, int ret,
		    struct bl_link **out, struct bl_err *e);
/* hook is the LSM hook's name: "bpf" for security_bpf() (attach_lsm.c). */
int bl_attach_lsm(struct bl_object *o, const char *fn, const char *hook,
		  struct bl_link **out, struct bl_err *e);
/* fn as prog_type, loaded for attach_type (enum bpf_attach_type), on the
 * cgroup v2 directory at path, or open at cgroup_fd when path is NULL
 * (attach_cgroup.c). */
int bl_attach_cgroup(struct bl_object *o, const char *fn, int prog_type, int attach_type,
		     int cgroup_fd, const char *path, struct bl_link **out, struct bl_err *e);
/* fn as prog_type (BPF.SK_MSG, BPF.SK_SKB), loaded for attach_type (an
 * SK_MSG or SK_SKB one), on the BPF_SOCKMAP/BPF_SOCKHASH map open at
 * map_fd (map_name names it in messages): a BPF link where the kernel has
 * one (6.10+), else bpf_prog_attach to the map, which drops it when its
 * last user fd closes (attach_sockmap.c). */
int bl_attach_sockmap(struct bl_object *o, const char *fn, int prog_type, int attach_type,
		      int map_fd, const char *map_name, struct bl_link **out, struct bl_err *e);
/* fn as prog_type (flow dissector, sk_lookup), loaded for attach_type, on
 * the network namespace at path, or open at netns_fd when path is NULL,
 * through a BPF link (attach_netns.c). */
int bl_attach_netns(struct bl_object *o, const char *fn, int prog_type, int attach_type,
		    int netns_fd, const char *path, struct bl_link **out, struct bl_err *e);
/* fn as a TC classifier (BPF.SCHED_CLS) on interface dev's ingress, or
 * egress, through a tcx BPF link (Linux 6.6+; an older kernel gets an error
 * naming the alternatives) (attach_tc.c). */
int bl_attach_tc(struct bl_object *o, const char *fn, const char *dev, int egress,
		 struct bl_link **out, struct bl_err *e);

/* BCC's attach_raw_socket: a raw AF_PACKET socket bound to network
 * interface dev (every protocol), with the socket filter prog_fd attached
 * (SO_ATTACH_BPF) before any packet can queue. The link owns the socket:
 * bl_link_fd() is it; destroying the link closes it (attach_socket.c). */
int bl_attach_raw_socket(const char *fn, int prog_fd, const char *dev,
			 struct bl_link **out, struct bl_err *e);
/* BCC's attach_xdp: the XDP program prog_fd on interface dev through a
 * kernel BPF link, so it is detached when the link's fd closes (also when
 * the process dies, SIGKILL included). flags are BCC's XDP_FLAGS_*: the
 * mode bits (SKB, DRV, HW) are used; UPDATE_IF_NOEXIST is what a link
 * always does (attach_xdp.c). */
int bl_attach_xdp(const char *fn, int prog_fd, const char *dev, unsigned int flags,
		  struct bl_link **out, struct bl_err *e);
/* BCC's remove_xdp for a program bpflua did not attach: detaches whatever
 * XDP program was attached to dev without a link (flags: its mode). */
int bl_xdp_detach(const char *dev, unsigned int flags, struct bl_err *e);

/* A sampling or counting perf event (perf_event_open's arguments). Exactly
 * one of sample_period and sample_freq is non-zero; pid -1 is every
 * process, cpu -1 every CPU (then pid must be given); group_fd -1 none. */
struct bl_perf_event_spec {
	unsigned int type;
	unsigned long long config;
	unsigned long long sample_period, sample_freq;
	int pid, cpu, group_fd;
};
int bl_attach_perf_event(struct bl_object *o, const char *fn,
			 const struct bl_perf_event_spec *s, struct bl_link **out,
			 struct bl_err *e);
/* Opens the event; returns its fd or -errno (`what` names it in messages).
 * A missing hardware counter gets a hint saying so. */
int bl_perf_event_open(const struct bl_perf_event_spec *s, const char *what,
		       struct bl_err *e);
/* The online CPUs' numbers into cpus[] (at most max); returns the count or -errno. */
int bl_online_cpus(int *cpus, int max, struct bl_err *e);

const struct bl_link_info *bl_link_info(const struct bl_link *l);
/* The fd that holds the attachment (a socket for BL_PROBE_SOCKET). */
int bl_link_fd(const struct bl_link *l);
/* Detaches and frees. */
void bl_link_destroy(struct bl_link *l);

#endif
