#include "ft.h"

/* `buffer->data` of a struct ft_dma_buf: coherent DMA memory. */
int ft_alloc_dma(struct ft_dev *d, struct ft_dma_buf *buffer)
{
	buffer->data = dma_alloc_coherent(d->dev, 4096, &buffer->phys, GFP_KERNEL);
	return buffer->data ? 0 : -ENOMEM;
}
