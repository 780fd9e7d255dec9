/* Another driver's USB register accessors, which sleep on the bus. */
struct usb_dev;

int mc_wr(struct usb_dev *dev, u32 reg, u32 val)
{
	msleep(1);
	return 0;
}

int mc_rd(struct usb_dev *dev, u32 reg, u32 val)
{
	msleep(2); /* expect: atomic-sleeping-call */
	return 0;
}
