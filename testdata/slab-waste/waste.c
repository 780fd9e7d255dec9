#include "fw_hw.h"

#define MSG_RING_BYTES	(4096 + 4)

/* Sizes are judged on allocations made on a path that cannot sleep (GFP_ATOMIC:
 * many objects), arrays and page blocks; see false-positive-traps/slab_one_off.c for
 * one-off objects. */
int fw_alloc(struct fw *fw, size_t len)
{
	fw->a = kmalloc(4100, GFP_ATOMIC); /* expect: slab-waste */
	fw->b = kmalloc(MSG_RING_BYTES, GFP_ATOMIC); /* expect: slab-waste */
	fw->c = kmalloc(200100, GFP_KERNEL); /* expect: kmalloc-costly-order */
	fw->d = kmalloc(257, GFP_ATOMIC); /* expect: slab-waste */
	fw->e = kzalloc(sizeof(struct fw_hdr), GFP_ATOMIC); /* expect: slab-waste */
	fw->f = kcalloc(41, 100, GFP_KERNEL); /* expect: slab-waste */
	fw->g = kmalloc(sizeof(struct wire_msg), GFP_ATOMIC); /* expect: slab-waste */
	/* Small waste: 100 -> 128 (28 bytes), 129 -> 192 (63 bytes). */
	fw->h = kmalloc(100, GFP_ATOMIC);
	fw->i = kmalloc(129, GFP_ATOMIC);
	/* Exact classes. */
	fw->j = kmalloc(4096, GFP_ATOMIC);
	fw->k = kmalloc(SZ_8K, GFP_KERNEL);
	/* 8193 -> 16384 is 99.9 % waste, but devm adds its header: not judged. */
	fw->l = devm_kzalloc(fw->dev, 8193, GFP_KERNEL);
	/* Unknown layouts and sizes: no diagnostic. */
	fw->m = kzalloc(sizeof(struct with_bits), GFP_ATOMIC);
	fw->n = kzalloc(sizeof(struct with_lock), GFP_ATOMIC);
	fw->o = kmalloc(len + 4, GFP_ATOMIC);
	fw->p = kmalloc(sizeof(fw_block_t), GFP_ATOMIC);
	/* Through a typedef of a struct. */
	fw->q = kzalloc(sizeof(fw_hdr_t), GFP_ATOMIC); /* expect: slab-waste */
	return 0;
}
