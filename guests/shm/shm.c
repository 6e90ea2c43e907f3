/*
 * Two VMs and a shared-memory channel mapped at 0x50000000. The writer
 * (arg 1) also checks its second RAM region and its pass-through device;
 * the reader (arg 2) waits for the writer's message, then tries to write
 * the channel it may only read, which must stop it.
 */
#include "rt.h"

#define SHM ((volatile char *)0x50000000ul)
#define SHM_READY ((volatile uint32_t *)0x50000ffcul)
#define RAM2 ((volatile uint64_t *)(RT_BOARD_RAM + 0x40000000ul)) /* 1 GiB above the first */
#define VIRTIO_MAGIC ((volatile uint32_t *)RT_BOARD_VIRTIO)       /* "virt" */

static const char shm_msg[] = "written by the other VM";

static void shm_writer(void)
{
	RAM2[0] = 0x1234;
	rt_printf("second RAM region: read back 0x%llx\n", (unsigned long long)RAM2[0]);
	rt_printf("pass-through device: magic 0x%x\n", *VIRTIO_MAGIC);
	for (unsigned i = 0; i < sizeof shm_msg; i++)
		SHM[i] = shm_msg[i];
	__atomic_store_n(SHM_READY, 1, __ATOMIC_RELEASE);
	rt_printf("message left in the channel\n");
}

static void shm_reader(void)
{
	char got[sizeof shm_msg];

	while (!__atomic_load_n(SHM_READY, __ATOMIC_ACQUIRE))
		rt_relax();
	for (unsigned i = 0; i < sizeof got; i++)
		got[i] = SHM[i];
	got[sizeof got - 1] = 0;
	rt_printf("channel says: %s\n", got);
	rt_printf("now writing the read-only channel\n");
	SHM[0] = 'X';
	rt_printf("SHM ESCAPED: wrote a read-only channel\n");
}

void main(uint64_t arg)
{
	if (arg == 1)
		shm_writer();
	else
		shm_reader();
}
