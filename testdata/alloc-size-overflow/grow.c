#include "grow.h"

int grow(struct dev *d, struct item *p, size_t n, unsigned int width, unsigned int height,
	 struct item **pp)
{
	p = kmalloc(n * sizeof(*p), GFP_KERNEL); /* expect: alloc-size-overflow */
	/* Two 32-bit counts times a constant can exceed 64 bits. */
	d->fb = vmalloc(width * height * 4); /* expect: alloc-size-overflow */
	/* Two unsigned ints are multiplied in 32 bits. */
	d->fb = vmalloc(width * height); /* expect: alloc-size-overflow */
	/* Type-safe on a 64-bit size_t (alloc-size-arith's): a 32-bit count times a
	 * sizeof (computed in size_t), a count cast to size_t first. */
	d->items = kzalloc(d->count * sizeof(struct item), GFP_KERNEL);
	d->fb = vmalloc((size_t)width * height);
	d->regs = devm_kzalloc(d->dev, d->nregs * sizeof(u32), GFP_KERNEL);
	/* `sizeof **pp` is a sizeof of an expression, not a product. */
	d->pp = kzalloc(sizeof **pp, GFP_KERNEL);
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
