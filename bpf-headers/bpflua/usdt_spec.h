/* usdt_spec.h - how a USDT probe's arguments are found, as the runtime
 * parses them from the probe's .note.stapsdt text (runtime/usdt_args.c) and
 * the BPF side reads them (usdt.h, bpf_usdt_readarg).
 *
 * The runtime writes one struct bl_usdt_spec per attached probe location
 * into the program's __bl_usdt_specs array (a global in its own data
 * section, so a map of its own) at a slot it picks, and attaches the
 * uprobe with slot + 1 as its BPF cookie (0 is any other probe's);
 * bpf_usdt_readarg looks the spec up by bpf_get_attach_cookie(). So one
 * compiled program serves every probe and location, whatever registers or
 * addresses the compiler chose.
 *
 * Shared by the runtime (C, after <linux/types.h>) and BPF programs (after
 * vmlinux.h): types and #defines only.
 */
#ifndef BPFLUA_USDT_SPEC_H
#define BPFLUA_USDT_SPEC_H

#define BL_USDT_MAX_ARGS 12     /* sdt.h's limit */
#define BL_USDT_MAX_SPECS 256   /* probe locations per BPF object */
#define BL_USDT_SPECS_VAR "__bl_usdt_specs"
#define BL_USDT_SPECS_SEC ".data.bl_usdt"
#define BL_USDT_NO_REG 0xffff

enum bl_usdt_arg_kind {
	BL_USDT_CONST = 1,      /* -4@$5: val */
	BL_USDT_REG,            /* -4@%eax: register (>> shift for %ah..%dh) */
	BL_USDT_MEM,            /* 8@-16(%rbp), -4@(%rdx,%rcx,4): val + base + index * scale */
};

struct bl_usdt_arg {
	__s64 val;              /* the constant, or the displacement */
	__u16 reg_off;          /* offsetof(struct pt_regs, reg) of the (base) register, or BL_USDT_NO_REG */
	__u16 idx_off;          /* the index register's offset, or BL_USDT_NO_REG */
	__u8 kind;              /* enum bl_usdt_arg_kind */
	__u8 size;              /* 1, 2, 4 or 8 bytes */
	__u8 is_signed;
	__u8 scale_shift;       /* scale 1, 2, 4, 8 as 0..3 */
	__u8 reg_shift;         /* 8 for the high byte registers */
	__u8 pad[7];
};

struct bl_usdt_spec {
	struct bl_usdt_arg arg[BL_USDT_MAX_ARGS];
	__u32 nargs;
	__u32 pad;
};

#endif
