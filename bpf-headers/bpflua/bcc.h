/* bcc.h - the BCC dialect on top of libbpf: everything a BCC-style program
 * may use without including it. The compiler's prelude includes this after
 * vmlinux.h (so the macros below may shadow nothing that vmlinux.h needs).
 *
 * The same text is read in two modes: the rewriter's libclang parse (map
 * structs carry typed method members so `m.lookup(&k)` type-checks) and
 * code generation (__BL_CODEGEN defined: plain libbpf map definitions, and
 * the rewritten `__bl_lookup(m, &k)` calls expand to helper calls). Both
 * read one precompiled copy, so nothing here may test __BL_CODEGEN with
 * #ifdef: the mode is chosen where a macro is expanded (maps.h).
 */
#ifndef BPFLUA_BCC_H
#define BPFLUA_BCC_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include <bpflua/flavor.h>
/* The kernel's real headers (README: "The kernel's own headers") have
 * these, as they are. */
#ifndef __BPFLUA_KERNEL_HEADERS__
#include <bpflua/kernel_defs.h>
#endif
#include <bpflua/maps.h>
#include <bpflua/maps_more.h>
#include <bpflua/regs.h>
#include <bpflua/helpers.h>
#include <bpflua/packet.h>
#include <bpflua/probes.h>
#include <bpflua/usdt.h>

#endif
