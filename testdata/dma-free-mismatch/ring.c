struct ring {
	struct device *dev;
	void *desc;
	dma_addr_t desc_dma;
	struct dma_pool *pool;
	u8 *bounce;
};

/* Coherent memory freed with kfree(), pool blocks with kfree(): wrong. */
void ring_teardown_wrong(struct ring *r)
{
	void *blk;
	dma_addr_t blk_dma;

	r->desc = dma_alloc_coherent(r->dev, 4096, &r->desc_dma, GFP_KERNEL);
	blk = dma_pool_alloc(r->pool, GFP_KERNEL, &blk_dma);
	kfree(r->desc); /* expect: dma-free-mismatch */
	kvfree(blk); /* expect: dma-free-mismatch */
}

/* kmalloc memory passed to dma_free_coherent(): wrong too. */
void bounce_wrong(struct ring *r)
{
	u8 *buf = kmalloc(2048, GFP_KERNEL);

	dma_free_coherent(r->dev, 2048, buf, r->desc_dma); /* expect: dma-free-mismatch */
}

/* The right pairs: nothing to say. */
void ring_teardown_right(struct ring *r)
{
	void *blk;
	dma_addr_t blk_dma;
	u8 *buf = kmalloc(2048, GFP_KERNEL);

	r->desc = dma_alloc_coherent(r->dev, 4096, &r->desc_dma, GFP_KERNEL);
	blk = dma_pool_zalloc(r->pool, GFP_KERNEL, &blk_dma);
	dma_free_coherent(r->dev, 4096, r->desc, r->desc_dma);
	dma_pool_free(r->pool, blk, blk_dma);
	kfree(buf);
}
