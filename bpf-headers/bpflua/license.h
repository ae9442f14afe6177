/* license.h - the program's license section, included after the program's
 * last line (the rewriter adds the #include unless the program defines
 * _license itself). As in BCC, a program names its license with
 * `#define BPF_LICENSE Dual BSD/GPL` anywhere in its text; GPL when it does
 * not. The kernel refuses GPL-only helpers to a license that is not
 * GPL-compatible, and bpflua reports that refusal (loader). */
#ifndef BPFLUA_LICENSE_H
#define BPFLUA_LICENSE_H

#ifndef BPF_LICENSE
#define BPF_LICENSE GPL
#endif
#define __bl_license_str2(...) #__VA_ARGS__
#define __bl_license_str(x) __bl_license_str2(x)

char _license[] SEC("license") = __bl_license_str(BPF_LICENSE);

#endif
