/* libbltest_usdt.so - the shared library half of usdt_target: USDT probes
 * in a library, one of them behind a semaphore.
 *
 *   bltest_lib:tick(i)     on every call
 *   bltest_lib:gated(i)    only while its semaphore is raised, i.e. while a
 *                          tracer is attached to it
 */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

unsigned short bltest_lib_tick_semaphore __attribute__((section(".probes")));
unsigned short bltest_lib_gated_semaphore __attribute__((section(".probes")));

/* Returns 1 when the gated probe fired. */
int bl_usdt_lib_tick(long i)
{
	DTRACE_PROBE1(bltest_lib, tick, i);
	if (!bltest_lib_gated_semaphore)
		return 0;
	DTRACE_PROBE1(bltest_lib, gated, i * 100);
	return 1;
}
