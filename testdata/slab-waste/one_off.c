/* Slab waste that does not matter (issue 10, pattern 6): a fixed-layout object
 * allocated once (probe time), a scratch buffer freed in the same function, a DMA
 * buffer whose layout the hardware fixes. Positive twins: the same sizes allocated
 * on a path that cannot sleep (many objects). An array allocated once is one object. */
struct so_regs {
	u8 hdr[16];
	u8 rec[64][16];
};

struct so_priv {
	struct so_regs *regs;
	void *dma;
	void *ev;
	void *tbl;
};

int so_probe(struct so_priv *p)
{
	p->regs = kzalloc(sizeof(struct so_regs), GFP_KERNEL);
	p->dma = kmalloc(1040, GFP_ATOMIC | GFP_DMA);
	return 0;
}

int so_write_reg(struct so_priv *p)
{
	char *buf = kmalloc(1040, GFP_ATOMIC);

	if (!buf)
		return -ENOMEM;
	so_fill(buf);
	kfree(buf);
	return 0;
}

int so_event(struct so_priv *p)
{
	p->ev = kmalloc(1040, GFP_ATOMIC); /* expect: slab-waste */
	return p->ev ? 0 : -ENOMEM;
}

int so_table(struct so_priv *p)
{
	p->tbl = kcalloc(8, 130, GFP_KERNEL);
	return p->tbl ? 0 : -ENOMEM;
}
