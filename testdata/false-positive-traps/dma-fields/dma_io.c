#include "dma_card.h"

/* The bus side of the driver: what is handed to the device. */
int card_read(struct card_dev *card, int len)
{
	return sdio_readsb(card->func, card->buffer, card->ioport, len);
}

int card_log_copy(struct card_log *log, u8 *dst, int len)
{
	memcpy(dst, log->buffer, len);
	return 0;
}

void slot_map(struct device *dev, struct rx_slot *slot)
{
	slot->dma = dma_map_single(dev, slot->data, sizeof(slot->data), DMA_FROM_DEVICE);
}

void ring_submit(struct ring_owner *o, struct urb *urb, struct usb_device *udev)
{
	usb_fill_bulk_urb(urb, udev, 0, o->rx_ring, RING_BYTES, NULL, o);
}

int ring_queue_mhi(struct ring_owner *o, struct mhi_device *mhi)
{
	return mhi_queue_buf(mhi, DMA_FROM_DEVICE, o->mhi_rx, RING_BYTES, MHI_EOT);
}
