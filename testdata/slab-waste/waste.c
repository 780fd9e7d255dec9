#include "fw_hw.h"

#define MSG_RING_BYTES	(4096 + 4)

/* Waste matters when multiplied: each of these is one of many objects. */
int fw_alloc_many(struct fw *fw, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fw->slots[i] = kmalloc(4100, GFP_KERNEL); /* expect: slab-waste */
	while (n--) {
		fw->rings[n] = kmalloc(MSG_RING_BYTES, GFP_KERNEL); /* expect: slab-waste */
		fw->hdrs[n] = kzalloc(sizeof(struct fw_hdr), GFP_KERNEL); /* expect: slab-waste */
		fw->arr[n] = kcalloc(41, 100, GFP_KERNEL); /* expect: slab-waste */
		fw->typed[n] = kzalloc(sizeof(fw_hdr_t), GFP_KERNEL); /* expect: slab-waste */
	}
	return 0;
}

/* Allocated where it cannot sleep: a hot path, once per event. */
void fw_rx_irq(struct fw *fw)
{
	struct wire_msg *m = kmalloc(sizeof(struct wire_msg), GFP_ATOMIC); /* expect: slab-waste */

	fw->last = m;
}

/* Linked into a list here: one object per entry. */
int fw_add_block(struct fw *fw)
{
	struct fw_block *b = kmalloc(257, GFP_KERNEL); /* expect: slab-waste */

	if (!b)
		return -ENOMEM;
	list_add_tail(&b->node, &fw->blocks);
	return 0;
}

/* One-off objects: a few hundred bytes once per device are not worth a warning. */
int fw_probe(struct fw *fw, size_t len)
{
	fw->a = kmalloc(4100, GFP_KERNEL);
	fw->b = kmalloc(MSG_RING_BYTES, GFP_KERNEL);
	fw->c = kmalloc(200100, GFP_KERNEL); /* expect: kmalloc-costly-order */
	fw->d = kmalloc(257, GFP_KERNEL);
	fw->e = kzalloc(sizeof(struct fw_hdr), GFP_KERNEL);
	fw->g = kmalloc(sizeof(struct wire_msg), GFP_KERNEL);
	/* Small waste: 100 -> 128 (28 bytes), 129 -> 192 (63 bytes). */
	fw->h = kmalloc(100, GFP_ATOMIC);
	fw->i = kmalloc(129, GFP_ATOMIC);
	/* Exact classes. */
	fw->j = kmalloc(4096, GFP_ATOMIC);
	fw->k = kmalloc(SZ_8K, GFP_ATOMIC);
	/* devm adds its 40-byte header: 8233 bytes, an order-2 block. */
	fw->l = devm_kzalloc(fw->dev, 8193, GFP_ATOMIC); /* expect: slab-waste */
	/* Bit-fields are laid out: 4 + 2100 bytes in the 4 KiB cache. */
	fw->m = kzalloc(sizeof(struct with_bits), GFP_ATOMIC); /* expect: slab-waste */
	/* spinlock_t from the target's type table (4 bytes on Debian's x86-64 6.1). */
	fw->n = kzalloc(sizeof(struct with_lock), GFP_ATOMIC); /* expect: slab-waste */
	/* Unknown layouts and sizes: no diagnostic. */
	fw->o = kmalloc(len + 4, GFP_ATOMIC);
	fw->p = kmalloc(sizeof(fw_block_t), GFP_ATOMIC);
	return 0;
}

/* A scratch buffer freed before returning wastes nothing that lasts, even in a loop
 * or on a hot path (a firmware register payload, say). */
int fw_write_reg(struct fw *fw, int n)
{
	while (n--) {
		u8 *payload = kmalloc(MSG_RING_BYTES, GFP_ATOMIC);

		if (!payload)
			return -ENOMEM;
		fw_hw_write(fw, payload);
		kfree(payload);
	}
	return 0;
}
