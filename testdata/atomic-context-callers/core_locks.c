/* Kernel APIs that always sleep although their bodies are in headers or other
 * subsystems: device_lock() is mutex_lock(&dev->mutex); scsi_add_host() registers the
 * host's devices with GFP_KERNEL allocations. In a section the function takes itself,
 * every sleeping call in it is a finding (each has to move out). */
#include <linux/device.h>

struct cl_host;
struct cl_priv {
	spinlock_t lock;
	struct device *dev;
	struct cl_host *host;
};

int scan_the_host(struct cl_host *h);

void cl_reset(struct cl_priv *p)
{
	spin_lock_irq(&p->lock);
	device_lock(p->dev); /* expect: atomic-sleeping-call */
	device_unlock(p->dev);
	spin_unlock_irq(&p->lock);
}

int cl_add(struct cl_priv *p)
{
	int ret;

	spin_lock_irq(&p->lock);
	ret = scsi_add_host(p->host, p->dev); /* expect: atomic-sleeping-call */
	if (!ret)
		msleep(10); /* expect: atomic-sleeping-call */
	spin_unlock_irq(&p->lock);
	return ret;
}

/* Outside the lock: fine. */
void cl_reset_right(struct cl_priv *p)
{
	device_lock(p->dev);
	spin_lock_irq(&p->lock);
	spin_unlock_irq(&p->lock);
	device_unlock(p->dev);
}

/* The block layer's queue freeze takes the queue's mq_freeze_lock mutex; ACPI's
 * acpi_os_ioremap() is ioremap_cache(), which maps pages. */
struct request_queue;

void cl_unquiesce(struct cl_priv *p, struct request_queue *q)
{
	spin_lock_irq(&p->lock);
	blk_mq_unfreeze_queue(q); /* expect: atomic-sleeping-call */
	spin_unlock_irq(&p->lock);
}

void __iomem *cl_map_table(struct cl_priv *p, u64 phys)
{
	void __iomem *v;

	spin_lock_irq(&p->lock);
	v = acpi_os_ioremap(phys, 64); /* expect: atomic-sleeping-alloc */
	spin_unlock_irq(&p->lock);
	return v;
}
