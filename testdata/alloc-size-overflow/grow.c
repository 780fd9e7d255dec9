#include "grow.h"

int grow(struct dev *d, struct item *p, size_t n, unsigned int width, unsigned int height)
{
	p = kmalloc(n * sizeof(*p), GFP_KERNEL); /* expect: alloc-size-overflow */
	d->items = kzalloc(d->count * sizeof(struct item), GFP_KERNEL); /* expect: alloc-size-overflow */
	d->fb = vmalloc(width * height); /* expect: alloc-size-overflow */
	d->regs = devm_kzalloc(d->dev, d->nregs * sizeof(u32), GFP_KERNEL); /* expect: alloc-size-overflow */
	d->map = kvzalloc((size_t)n * GROW_ENTRY_SIZE, GFP_KERNEL); /* expect: alloc-size-overflow */
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
