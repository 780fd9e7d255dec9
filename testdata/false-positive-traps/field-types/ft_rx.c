#include "ft.h"

/* `buffer->data` of a struct ft_rx_buf: kmalloc memory, freed with kfree(). The other
 * file's coherent `buffer->data` is another struct's field. */
void ft_rx_done(struct ft_rx_buf *buffer)
{
	kfree(buffer->data);
}

/* The twin: the same struct as the coherent allocation, freed with kfree(). */
void ft_dma_done(struct ft_dma_buf *buffer)
{
	kfree(buffer->data); /* expect: dma-free-mismatch */
}
