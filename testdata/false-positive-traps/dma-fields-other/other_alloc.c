#include "../dma-fields/dma_card.h"

/* Another directory: the DMA evidence of dma-fields/ is not this driver's. */
int other_probe(void)
{
	struct card_dev *card = kzalloc(sizeof(*card), GFP_KERNEL); /* expect: kmalloc-costly-order */

	return card ? 0 : -ENOMEM;
}
