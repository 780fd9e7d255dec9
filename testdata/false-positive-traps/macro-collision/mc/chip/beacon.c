#include "../mc.h"

/* `mc_wr()` here is mc.h's macro, not usbdrv's sleeping function of the same name;
 * `mc_rd()` has no macro here, so the call is usbdrv's function (the twin). */
void mc_beacon_update(struct mc_dev *dev)
{
	spin_lock(&dev->lock);
	mc_wr(dev, 0x10, 1);
	mc_rd(dev, 0x14, 0);
	spin_unlock(&dev->lock);
}
