#include "rx_hw.h"

/* A transfer buffer handed to the device: it must stay contiguous. */
int rx_urb_setup(struct rx *rx, struct urb *urb)
{
	u8 *buf = kmalloc(SZ_64K, GFP_KERNEL);

	usb_fill_bulk_urb(urb, rx->udev, rx->pipe, buf, SZ_64K, rx_done, rx);
	return 0;
}

/* A byte buffer in a file that does USB transfers (rx_urb_setup above): likely a
 * transfer buffer, so kvmalloc advice is withheld; a table of structs still counts. */
int rx_fw_buffer(struct rx *rx)
{
	rx->fw = kmalloc(SZ_64K, GFP_KERNEL);
	rx->tbl = kcalloc(4096, sizeof(struct rx_desc), GFP_KERNEL); /* expect: kmalloc-costly-order */
	return 0;
}
