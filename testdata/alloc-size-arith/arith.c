/* alloc-size-arith is enabled in this directory (named after it). */

struct blob { unsigned long words[6]; };

int arith(struct blob_dev *d, u32 count, size_t len, u16 nr)
{
	d->a = kzalloc(count * sizeof(struct blob), GFP_KERNEL); /* expect: alloc-size-arith */
	d->b = kmalloc(d->nr * sizeof(struct blob), GFP_KERNEL); /* expect: alloc-size-arith */
	d->c = vmalloc(nr * 64); /* expect: alloc-size-arith */
	/* Can overflow: the other lint's. */
	d->d = kmalloc(len * sizeof(struct blob), GFP_KERNEL); /* expect: alloc-size-overflow */
	/* Not open-coded. */
	d->e = kcalloc(count, sizeof(struct blob), GFP_KERNEL);
	d->f = kmalloc(sizeof(struct blob), GFP_KERNEL);
	return 0;
}
