#include <linux/slab.h>
#include "foo_hw.h"

static int foo_load_fw(struct foo *foo)
{
	foo->fw = kmalloc(FOO_FW_MAX, GFP_KERNEL); /* expect: kmalloc-over-max */
	foo->tbl = kzalloc(FOO_TABLE_ENTRIES * sizeof(struct foo_entry) * 64, GFP_KERNEL); /* expect: kmalloc-over-max */
	foo->big = kmalloc_array(1024, SZ_8K, GFP_KERNEL); /* expect: kmalloc-over-max */
	foo->dev_buf = devm_kzalloc(foo->dev, SZ_8M, GFP_KERNEL); /* expect: kmalloc-over-max */
	return 0;
}

static int foo_ok(struct foo *foo, size_t len)
{
	/* vmalloc-backed: no limit. */
	foo->fw = kvmalloc(FOO_FW_MAX, GFP_KERNEL);
	/* Sizes that cannot be evaluated: no diagnostic. */
	foo->a = kmalloc(len, GFP_KERNEL);
	foo->b = kmalloc(sizeof(*foo) * 100000, GFP_KERNEL);
	foo->c = kmalloc(FOO_HUGE_BYTES, GFP_KERNEL);
	foo->d = kmalloc(FOO_UNDEFINED_SIZE, GFP_KERNEL);
	/* Defined differently under #ifdef: ambiguous, so unknown. */
	foo->log = kmalloc(FOO_LOG_BYTES, GFP_KERNEL);
	/* Within the limit. */
	foo->e = kmalloc(FOO_TABLE_ENTRIES * sizeof(u8), GFP_KERNEL);
	return 0;
}
