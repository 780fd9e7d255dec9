#include "grow.h"

int grow(struct dev *d, struct item *p, size_t n, unsigned int width, unsigned int height)
{
	p = kmalloc(n * sizeof(*p), GFP_KERNEL); /* expect: alloc-size-overflow */
	d->fb = vmalloc(width * height); /* expect: alloc-size-overflow */
	d->map = kvzalloc((size_t)n * GROW_ENTRY_SIZE, GFP_KERNEL); /* expect: alloc-size-overflow */
	/* Field types are not known: alloc-size-arith's (off by default). */
	d->items = kzalloc(d->count * sizeof(struct item), GFP_KERNEL);
	d->regs = devm_kzalloc(d->dev, d->nregs * sizeof(u32), GFP_KERNEL);
	/* Constant products (macros from headers we do not see are constant too). */
	d->a = kmalloc(NR_SLOTS * sizeof(struct item), GFP_KERNEL);
	d->b = kmalloc(4 * 16, GFP_KERNEL);
	d->c = kzalloc(GROW_ENTRIES * GROW_ENTRY_SIZE, GFP_KERNEL);
	/* Already checked. */
	d->d = kcalloc(n, sizeof(*p), GFP_KERNEL);
	d->e = kmalloc_array(n, sizeof(*p), GFP_KERNEL);
	d->f = kmalloc(array_size(n, sizeof(*p)), GFP_KERNEL);
	/* Not a plain product: not judged. */
	d->g = kmalloc(sizeof(*d) + n * sizeof(*p), GFP_KERNEL);
	d->h = kmalloc(n, GFP_KERNEL);
	/* Times one: cannot overflow. */
	d->k = devm_kzalloc(d->dev, n * sizeof(u8), GFP_KERNEL);
	/* `sizeof *p` is a unary `*`, not a product. */
	d->i = kzalloc(sizeof *p, GFP_KERNEL);
	d->j = kzalloc(n * sizeof *p, GFP_KERNEL); /* expect: alloc-size-overflow */
	return 0;
}

/* Operand types that cannot overflow in size_t: the style lint's, not this one's. */
int typed(struct dev *d, u32 count, u8 rows, u8 cols, unsigned short nr, int local)
{
	d->a = kzalloc(count * sizeof(struct item), GFP_KERNEL);
	d->b = kmalloc(rows * cols, GFP_KERNEL);
	d->c = kmalloc((size_t)count * count, GFP_KERNEL);
	d->e = kmalloc(sizeof(u32) * (count + 1), GFP_KERNEL);
	d->f = vmalloc(nr * GROW_SIZEOF_ENTRY);
	/* Computed in 32 bits before the conversion to size_t. */
	d->g = kmalloc(local * GROW_ENTRY_SIZE, GFP_KERNEL); /* expect: alloc-size-overflow */
	d->h = kmalloc(count * count * sizeof(u32), GFP_KERNEL); /* expect: alloc-size-overflow */
	return 0;
}

/* `sizeof **ports` is the size of an expression, not a product. */
int deref(struct dev *d, struct item ***ports)
{
	d->x = kzalloc(sizeof **ports, GFP_KERNEL);
	return 0;
}

/* PAGE_SIZE is unsigned long; a local assigned only constants is bounded by them;
 * an unknown sizeof is an object's size, not 4 GiB. */
int bounded(struct dev *d, int pages, u32 groups, bool big)
{
	unsigned int n = GROW_ENTRIES;
	u32 len;

	if (big)
		len = 4096;
	else
		len = 512;
	d->a = vzalloc(pages * PAGE_SIZE);
	d->b = kmalloc(n * 16, GFP_KERNEL);
	d->c = kmalloc(len * 2, GFP_KERNEL);
	d->e = kzalloc(sizeof(*d) * GROW_ENTRIES * groups, GFP_KERNEL);
	len += groups;
	d->f = kmalloc(len * 2, GFP_KERNEL); /* expect: alloc-size-overflow */
	return 0;
}
