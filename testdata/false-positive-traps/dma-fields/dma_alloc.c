#include "dma_card.h"

/* Allocations in another file of the driver: kvmalloc advice fits only the objects
 * no DMA reaches (a vmalloc fallback would break dma_map_single() and SDIO/USB
 * transfers of the others). */
int card_probe(struct ring_owner *o, int n)
{
	struct card_dev *card;
	struct card_log *log;
	struct rx_slot *slots;
	struct card_wrap *wrap;
	struct card_ref *ref;

	card = kzalloc(sizeof(struct card_dev), GFP_KERNEL);
	card = kzalloc(sizeof(*card), GFP_KERNEL);
	slots = kcalloc(64, sizeof(struct rx_slot), GFP_KERNEL);
	wrap = kzalloc(sizeof(*wrap), GFP_KERNEL);
	o->rx_ring = kmalloc(RING_BYTES, GFP_KERNEL);
	o->mhi_rx = kmalloc(RING_BYTES, GFP_KERNEL);

	log = kzalloc(sizeof(*log), GFP_KERNEL); /* expect: kmalloc-costly-order */
	ref = kzalloc(sizeof(struct card_ref), GFP_KERNEL); /* expect: kmalloc-costly-order */
	o->log_ring = kmalloc(RING_BYTES, GFP_KERNEL); /* expect: kmalloc-costly-order */
	return 0;
}
