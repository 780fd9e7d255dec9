#include "rx_hw.h"

int rx_setup(struct rx *rx, int n)
{
	rx->ring = kmalloc(RX_RING_BYTES, GFP_KERNEL); /* expect: kmalloc-costly-order */
	rx->stats = kzalloc(SZ_64K, GFP_KERNEL); /* expect: kmalloc-costly-order */
	rx->log = kzalloc(40000, GFP_KERNEL); /* expect: kmalloc-costly-order */
	rx->map = kcalloc(RX_DESCS, 32, GFP_KERNEL); /* expect: kmalloc-costly-order */
	/* Order 3 (32 KiB) is the costly order itself: fine. */
	rx->small = kmalloc(SZ_32K, GFP_KERNEL);
	/* DMA-zone memory must be contiguous: kvmalloc is no option. */
	rx->dma = kmalloc(SZ_64K, GFP_KERNEL | GFP_DMA);
	/* Unknown sizes. */
	rx->var = kmalloc(n * SZ_64K, GFP_KERNEL); /* expect: alloc-size-overflow */
	rx->kv = kvmalloc(SZ_1M, GFP_KERNEL);
	return 0;
}

/* The same buffer kept for the CPU only: flagged. */
int rx_log_setup(struct rx *rx)
{
	u8 *buf = kmalloc(SZ_64K, GFP_KERNEL); /* expect: kmalloc-costly-order */

	rx->cpu_log = buf;
	return 0;
}
