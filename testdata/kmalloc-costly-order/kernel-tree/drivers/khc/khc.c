/* Sizes whose constants only the kernel tree's headers define (`ETH_ALEN`-style): a run
 * over drivers/ alone still evaluates them, through the file's `#include <…>` closure. */
#include <linux/khc_if.h>

struct khc_entry {
	u8 addr[KHC_ALEN];
	u8 pad[2];
};

void *khc_alloc(void)
{
	void *buf;

	/* 8192 entries of 8 bytes: 64 KiB, order 4. */
	buf = kcalloc(8192, sizeof(struct khc_entry), GFP_KERNEL); /* expect: kmalloc-costly-order */
	/* Through a uapi header: 8192 * 8 bytes. */
	buf = kcalloc(KHC_SLOTS, 8, GFP_KERNEL); /* expect: kmalloc-costly-order */
	/* Order 3 when KHC_ALEN is 6: not costly. */
	buf = kcalloc(4096, sizeof(struct khc_entry), GFP_KERNEL);
	/* Defined twice with different values in the closure: unknown. */
	buf = kcalloc(KHC_CONFLICT, 64, GFP_KERNEL);
	/* Types of the tree's headers: 8 * 4,104 bytes = 32,832, order 4. */
	buf = kcalloc(8, sizeof(struct khc_ring), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kcalloc(8, sizeof(khc_ring_t), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kcalloc(8, sizeof(struct khc_alias), GFP_KERNEL); /* expect: kmalloc-costly-order */
	/* 7 * 4,104 = 28,728 bytes: order 3, not costly. */
	buf = kcalloc(7, sizeof(struct khc_ring), GFP_KERNEL);
	/* A configuration-dependent member, a type defined twice: unknown, silent. */
	buf = kcalloc(1, sizeof(struct khc_debug), GFP_KERNEL);
	buf = kcalloc(1, sizeof(struct khc_twice), GFP_KERNEL);
	/* A count that depends on the configuration: unknown, silent. */
	buf = vzalloc(khc_cpu_ids * 8);
	/* Its unconditional twin: 8 bytes. */
	buf = vzalloc(KHC_ONE * 8); /* expect: vmalloc-small */
	return buf;
}
