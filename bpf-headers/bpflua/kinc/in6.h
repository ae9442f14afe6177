/* kinc/in6.h - the member aliases of struct in6_addr (uapi/linux/in6.h:
 * addr.s6_addr is addr.in6_u.u6_addr8). Only for programs that include a
 * header that brings them (runtime/compile/kinc.c). */
#ifndef BPFLUA_KINC_IN6_H
#define BPFLUA_KINC_IN6_H

#define s6_addr			in6_u.u6_addr8
#define s6_addr16		in6_u.u6_addr16
#define s6_addr32		in6_u.u6_addr32

#endif
