/* kernel_defs.h - kernel macros that BTF cannot carry (#defines are not
 * types), for programs that `#include <linux/...>` expecting them.
 *
 * Included after vmlinux.h: where a newer kernel turned one of these into an
 * enumerator (TASK_COMM_LEN), the enum is already parsed and the macro only
 * affects the program's own uses. Values are the kernel's (uapi/ABI values,
 * the same on every architecture bpflua supports unless noted).
 */
#ifndef BPFLUA_KERNEL_DEFS_H
#define BPFLUA_KERNEL_DEFS_H

/* Sparse's address-space annotations, as kernel code (and BCC programs:
 * `const char __user *filename`) write them; empty for the compiler. */
#ifndef __user
#define __user
#endif
#ifndef __kernel
#define __kernel
#endif
#ifndef __iomem
#define __iomem
#endif
#ifndef __percpu
#define __percpu
#endif
#ifndef __rcu
#define __rcu
#endif
#ifndef __force
#define __force
#endif

/* sched */
#define TASK_COMM_LEN		16
#define PF_KTHREAD		0x00200000
#define PF_EXITING		0x00000004
#define PF_IDLE			0x00000002
#define TASK_RUNNING		0x0000
#define TASK_INTERRUPTIBLE	0x0001
#define TASK_UNINTERRUPTIBLE	0x0002
#define __TASK_STOPPED		0x0004
#define __TASK_TRACED		0x0008
#define EXIT_DEAD		0x0010
#define EXIT_ZOMBIE		0x0020
#define TASK_DEAD		0x0080
#define TASK_WAKEKILL		0x0100
#define TASK_NOLOAD		0x0400
#define TASK_KILLABLE		(TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)
#define TASK_IDLE		(TASK_UNINTERRUPTIBLE | TASK_NOLOAD)
#define MAX_NICE		19
#define MIN_NICE		-20

/* clone flags (uapi/linux/sched.h) */
#define CSIGNAL			0x000000ff
#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_VFORK		0x00004000
#define CLONE_PARENT		0x00008000
#define CLONE_THREAD		0x00010000
#define CLONE_NEWNS		0x00020000
#define CLONE_NEWCGROUP		0x02000000
#define CLONE_NEWUTS		0x04000000
#define CLONE_NEWIPC		0x08000000
#define CLONE_NEWUSER		0x10000000
#define CLONE_NEWPID		0x20000000
#define CLONE_NEWNET		0x40000000

/* sockets and protocols */
#define AF_UNSPEC		0
#define AF_UNIX			1
#define AF_LOCAL		AF_UNIX
#define AF_INET			2
#define AF_INET6		10
#define AF_NETLINK		16
#define AF_PACKET		17
#define PF_INET			AF_INET
#define PF_INET6		AF_INET6
#define SCM_RIGHTS		0x01	/* control messages (linux/socket.h) */
#define SCM_CREDENTIALS		0x02
#define SCM_SECURITY		0x03
#define ETH_ALEN		6
#define ETH_HLEN		14
#define ETH_P_IP		0x0800
#define ETH_P_ARP		0x0806
#define ETH_P_8021Q		0x8100
#define ETH_P_IPV6		0x86DD
#define IFNAMSIZ		16
#define INET_ADDRSTRLEN		16
#define INET6_ADDRSTRLEN	48

/* files */
#define O_ACCMODE		00000003
#define O_RDONLY		00000000
#define O_WRONLY		00000001
#define O_RDWR			00000002
#define O_CREAT			00000100
#define O_EXCL			00000200
#define O_NOCTTY		00000400
#define O_TRUNC			00001000
#define O_APPEND		00002000
#define O_NONBLOCK		00004000
#define O_DIRECTORY		00200000
#define O_CLOEXEC		02000000
#define O_DSYNC			00010000
#define FASYNC			00020000
#define O_DIRECT		00040000
#define O_LARGEFILE		00100000
#define O_NOFOLLOW		00400000
#define O_NOATIME		01000000
#define __O_SYNC		04000000
#define O_SYNC			(__O_SYNC | O_DSYNC)
#define O_PATH			010000000
#define __O_TMPFILE		020000000
#define O_TMPFILE		(__O_TMPFILE | O_DIRECTORY)
#define S_IFMT			00170000
#define S_IFSOCK		0140000
#define S_IFLNK			0120000
#define S_IFREG			0100000
#define S_IFBLK			0060000
#define S_IFDIR			0040000
#define S_IFCHR			0020000
#define S_IFIFO			0010000
#define S_ISLNK(m)		(((m) & S_IFMT) == S_IFLNK)
#define S_ISREG(m)		(((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)		(((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)		(((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)		(((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m)		(((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m)		(((m) & S_IFMT) == S_IFSOCK)
#define NAME_MAX		255
#define PATH_MAX		4096
#define FMODE_READ		0x1
#define FMODE_WRITE		0x2
#define FMODE_EXEC		0x20
#define FMODE_CREATED		0x100000	/* the open created the file */

/* block devices: dev_t is MAJOR:20 bits MINOR */
#define MINORBITS		20
#define MINORMASK		((1U << MINORBITS) - 1)
#define MAJOR(dev)		((unsigned int)((dev) >> MINORBITS))
#define MINOR(dev)		((unsigned int)((dev) & MINORMASK))
#define MKDEV(ma, mi)		(((ma) << MINORBITS) | (mi))
#define DISK_NAME_LEN		32
#define REQ_OP_BITS		8
#define REQ_OP_MASK		((1 << REQ_OP_BITS) - 1)

/* memory and errors (x86_64 page size; PAGE_OFFSET depends on the
 * configuration: kconfig_defs.h) */
#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define MAX_ERRNO		4095
#define IS_ERR_VALUE(x)		((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)

/* errno values (uapi/asm-generic/errno-base.h, errno.h): LSM verdicts,
 * return values of probed functions */
#ifndef EPERM
#define EPERM			1
#define ENOENT			2
#define ESRCH			3
#define EINTR			4
#define EIO			5
#define ENXIO			6
#define E2BIG			7
#define ENOEXEC			8
#define EBADF			9
#define ECHILD			10
#define EAGAIN			11
#define EWOULDBLOCK		EAGAIN
#define ENOMEM			12
#define EACCES			13
#define EFAULT			14
#define EBUSY			16
#define EEXIST			17
#define EXDEV			18
#define ENODEV			19
#define ENOTDIR			20
#define EISDIR			21
#define EINVAL			22
#define ENFILE			23
#define EMFILE			24
#define ENOTTY			25
#define EFBIG			27
#define ENOSPC			28
#define ESPIPE			29
#define EROFS			30
#define EMLINK			31
#define EPIPE			32
#define ERANGE			34
#define ENOSYS			38
#define ENOTEMPTY		39
#define ELOOP			40
#define ENODATA			61
#define EOVERFLOW		75
#define EOPNOTSUPP		95
#define ENOTSUP			EOPNOTSUPP
#define EADDRINUSE		98
#define ENETUNREACH		101
#define ECONNRESET		104
#define ENOBUFS			105
#define ETIMEDOUT		110
#define ECONNREFUSED		111
#define EALREADY		114
#define EINPROGRESS		115
#endif

/* time */
#define NSEC_PER_SEC		1000000000ULL
#define NSEC_PER_MSEC		1000000ULL
#define NSEC_PER_USEC		1000ULL
#define USEC_PER_SEC		1000000ULL
#define MSEC_PER_SEC		1000ULL

/* signals */
#define SIGINT			2
#define SIGKILL			9
#define SIGUSR1			10
#define SIGSEGV			11
#define SIGTERM			15
#define SIGSTOP			19

/* tc actions (uapi/linux/pkt_cls.h) */
#define TC_ACT_UNSPEC		(-1)
#define TC_ACT_OK		0
#define TC_ACT_RECLASSIFY	1
#define TC_ACT_SHOT		2
#define TC_ACT_PIPE		3
#define TC_ACT_STOLEN		4
#define TC_ACT_QUEUED		5
#define TC_ACT_REPEAT		6
#define TC_ACT_REDIRECT		7
#define TC_ACT_TRAP		8

/* byte order (linux/byteorder/generic.h; bpf_endian.h does the work) and
 * BCC's 64-bit helpers of the same family */
#ifndef ntohs
#define ntohs(x)		bpf_ntohs(x)
#define htons(x)		bpf_htons(x)
#define ntohl(x)		bpf_ntohl(x)
#define htonl(x)		bpf_htonl(x)
#endif
#define bpf_ntohll(x)		bpf_be64_to_cpu(x)
#define bpf_htonll(x)		bpf_cpu_to_be64(x)

/* linux/minmax.h, linux/math64.h, linux/kernel.h: every kernel header
 * brings them in, so BCC programs use them without including anything. */
#ifndef min_t
#define min_t(type, x, y)	({ type __bl_x = (x); type __bl_y = (y); __bl_x < __bl_y ? __bl_x : __bl_y; })
#define max_t(type, x, y)	({ type __bl_x = (x); type __bl_y = (y); __bl_x > __bl_y ? __bl_x : __bl_y; })
#endif
#ifndef min
#define min(x, y)		({ __typeof__(x) __bl_x = (x); __typeof__(y) __bl_y = (y); __bl_x < __bl_y ? __bl_x : __bl_y; })
#define max(x, y)		({ __typeof__(x) __bl_x = (x); __typeof__(y) __bl_y = (y); __bl_x > __bl_y ? __bl_x : __bl_y; })
#endif
#define div_u64(dividend, divisor)	((__u64)(dividend) / (__u32)(divisor))
#define div64_u64(dividend, divisor)	((__u64)(dividend) / (__u64)(divisor))
#define div_s64(dividend, divisor)	((__s64)(dividend) / (__s32)(divisor))
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr)		(sizeof(arr) / sizeof((arr)[0]))
#endif
#ifndef BIT
#define BIT(nr)			(1UL << (nr))
#endif

/* stacks */
#define PERF_MAX_STACK_DEPTH	127

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((void *)(ptr) - __builtin_offsetof(type, member)))
#endif
#ifndef likely
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#endif

#endif
