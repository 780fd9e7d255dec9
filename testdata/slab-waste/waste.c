#include "fw_hw.h"

#define MSG_RING_BYTES	(4096 + 4)

int fw_alloc(struct fw *fw, size_t len)
{
	fw->a = kmalloc(4100, GFP_KERNEL); /* expect: slab-waste */
	fw->b = kmalloc(MSG_RING_BYTES, GFP_KERNEL); /* expect: slab-waste */
	fw->c = kmalloc(200100, GFP_KERNEL); /* expect: slab-waste, kmalloc-costly-order */
	fw->d = kmalloc(257, GFP_KERNEL); /* expect: slab-waste */
	fw->e = kzalloc(sizeof(struct fw_hdr), GFP_KERNEL); /* expect: slab-waste */
	fw->f = kcalloc(41, 100, GFP_KERNEL); /* expect: slab-waste */
	fw->g = kmalloc(sizeof(struct wire_msg), GFP_KERNEL); /* expect: slab-waste */
	/* Small waste: 100 -> 128 (28 bytes), 129 -> 192 (63 bytes). */
	fw->h = kmalloc(100, GFP_KERNEL);
	fw->i = kmalloc(129, GFP_KERNEL);
	/* Exact classes. */
	fw->j = kmalloc(4096, GFP_KERNEL);
	fw->k = kmalloc(SZ_8K, GFP_KERNEL);
	/* 8193 -> 16384 is 99.9 % waste, but devm adds its header: not judged. */
	fw->l = devm_kzalloc(fw->dev, 8193, GFP_KERNEL);
	/* Unknown layouts and sizes: no diagnostic. */
	fw->m = kzalloc(sizeof(struct with_bits), GFP_KERNEL);
	fw->n = kzalloc(sizeof(struct with_lock), GFP_KERNEL);
	fw->o = kmalloc(len + 4, GFP_KERNEL);
	fw->p = kmalloc(sizeof(fw_block_t), GFP_KERNEL);
	/* Through a typedef of a struct. */
	fw->q = kzalloc(sizeof(fw_hdr_t), GFP_KERNEL); /* expect: slab-waste */
	return 0;
}
