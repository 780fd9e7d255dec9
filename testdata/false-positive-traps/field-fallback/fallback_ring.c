/* A descriptor ring: coherent memory, or a kmalloc'd and streaming-mapped fallback
 * published through a local after setup. The field holds either kind, so a kfree()
 * of it (under the flag that says which) is not a mismatch. */
struct fb_ring {
	struct device *dev;
	void *rx;
	dma_addr_t rx_dma;
	void *tx;
	dma_addr_t tx_dma;
	unsigned long flags;
};

#define FB_RX_KMALLOC	1

int fb_ring_alloc(struct fb_ring *r)
{
	r->rx = dma_alloc_coherent(r->dev, 4096, &r->rx_dma, GFP_KERNEL);
	if (!r->rx) {
		void *rx;

		rx = kzalloc(4096, GFP_KERNEL);
		if (!rx)
			return -ENOMEM;
		r->rx_dma = dma_map_single(r->dev, rx, 4096, DMA_BIDIRECTIONAL);
		r->rx = rx;
		r->flags |= FB_RX_KMALLOC;
	}
	/* No fallback for the other ring: coherent only. */
	r->tx = dma_alloc_coherent(r->dev, 4096, &r->tx_dma, GFP_KERNEL);
	return r->tx ? 0 : -ENOMEM;
}

void fb_ring_free(struct fb_ring *r)
{
	if (r->flags & FB_RX_KMALLOC)
		kfree(r->rx);
	else
		dma_free_coherent(r->dev, 4096, r->rx, r->rx_dma);
	kfree(r->tx); /* expect: dma-free-mismatch */
}
