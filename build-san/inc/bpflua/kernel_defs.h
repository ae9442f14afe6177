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

/* block devices: dev_t is MAJOR:20 bits MINOR */
#define MINORBITS		20
#define MINORMASK		((1U << MINORBITS) - 1)
#define MAJOR(dev)		((unsigned int)((dev) >> MINORBITS))
#define MINOR(dev)		((unsigned int)((dev) & MINORMASK))
#define MKDEV(ma, mi)		(((ma) << MINORBITS) | (mi))
#define DISK_NAME_LEN		32
#define REQ_OP_BITS		8
#define REQ_OP_MASK		((1 << REQ_OP_BITS) - 1)

/* memory and errors (x86_64 page size) */
#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define MAX_ERRNO		4095
#define IS_ERR_VALUE(x)		((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)

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
