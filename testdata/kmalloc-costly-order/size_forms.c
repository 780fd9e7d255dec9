#include "size_forms.h"

/* Each size form the model evaluates, above the costly order (32 KiB) when it is
 * evaluated right; the near misses below it fail if a layout is off. */
int forms(struct device *dev, struct big_state *param)
{
	struct big_state *st;
	struct fl *f;
	struct with_anon *wa;
	void *buf;

	st = kzalloc(sizeof(*st), GFP_KERNEL); /* expect: kmalloc-costly-order */
	st = kzalloc(sizeof *st, GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kzalloc(sizeof(*param), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kmalloc(sizeof(st->ring) * 2, GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kcalloc(NQ * 64, sizeof(st->ring[0][0]), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kcalloc(8192, sizeof(struct bf), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kcalloc(1024, sizeof(struct al), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kcalloc(1024, sizeof(struct cl), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kcalloc(1024, sizeof(struct qvec), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kcalloc(4096, sizeof(union un), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kcalloc(2048, sizeof(*wa), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kcalloc(1024, sizeof(wa->half) * 16, GFP_KERNEL); /* expect: kmalloc-costly-order */
	f = kzalloc(struct_size(f, items, 4096), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kmalloc(flex_array_size(f, items, 8192), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kmalloc(size_mul(NQ, 1024), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kmalloc(size_add(SZ_32K, 1), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kcalloc(1024, sizeof(blk_t), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kzalloc(sizeof(struct endian), GFP_KERNEL); /* expect: kmalloc-costly-order */
	/* devm_kzalloc() adds devres's 40-byte header: 32 KiB + 40 is order 4. */
	buf = devm_kzalloc(dev, SZ_32K, GFP_KERNEL); /* expect: kmalloc-costly-order */

	/* Exactly 32 KiB (order 3) when laid out right; above it if not. */
	buf = kcalloc(4096, sizeof(struct bf), GFP_KERNEL);
	buf = kcalloc(4096, sizeof(struct pk), GFP_KERNEL);
	buf = kcalloc(4096, sizeof(struct pragma_packed), GFP_KERNEL);
	buf = kcalloc(4096, sizeof(struct after_pop), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kcalloc(1024, sizeof(*wa), GFP_KERNEL);
	buf = kcalloc(512, sizeof(struct qvec), GFP_KERNEL);
	buf = kmalloc(flex_array_size(f, items, 4096), GFP_KERNEL);
	buf = kzalloc(SZ_32K - 40, GFP_KERNEL);
	buf = devm_kzalloc(dev, SZ_32K - 40, GFP_KERNEL);
	/* Configuration-dependent: unknown, so silent. */
	buf = kzalloc(sizeof(struct cfgd), GFP_KERNEL);
	return 0;
}
