/* Open-coded products that fit size_t (64 bits) given their operand types: reported
 * only when alloc-size-arith is enabled. Products that can overflow are
 * alloc-size-overflow's, not this lint's. */
struct part {
	u32 a;
	u32 b;
};

struct pdev {
	unsigned int count;
	struct part *parts;
	u16 *map;
	void *fb;
	void *big;
};

int pdev_alloc(struct pdev *d, unsigned int width, unsigned int height, size_t len)
{
	d->parts = kzalloc(d->count * sizeof(struct part), GFP_KERNEL); /* expect: alloc-size-arith */
	d->map = kmalloc(width * sizeof(u16), GFP_KERNEL); /* expect: alloc-size-arith */
	d->fb = vmalloc((size_t)width * height); /* expect: alloc-size-arith */
	/* Can overflow: alloc-size-overflow's (on by default). */
	d->big = kmalloc(len * sizeof(struct part), GFP_KERNEL); /* expect: alloc-size-overflow */
	/* Checked already. */
	d->parts = kcalloc(d->count, sizeof(struct part), GFP_KERNEL);
	return 0;
}
