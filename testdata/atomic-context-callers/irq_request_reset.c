/* request_irq() allocates its irqaction with GFP_KERNEL and takes the descriptor's
 * request_mutex (kernel/irq/manage.c): a driver whose watchdog reset re-requests its IRQ,
 * or that requests one under a spinlock, sleeps in atomic context. After it, on the same
 * path, the release of a failed request is that finding's (one finding per path). */
#include <linux/netdevice.h>
#include <linux/interrupt.h>

struct ir_priv {
	spinlock_t lock;
	int irq;
	int up;
};

static irqreturn_t ir_interrupt(int irq, void *dev_id)
{
	return IRQ_HANDLED;
}

static int ir_hw_init(struct net_device *dev)
{
	struct ir_priv *p = netdev_priv(dev);

	if (request_irq(p->irq, ir_interrupt, 0, "ir", dev)) /* expect: atomic-sleeping-call */
		return -EBUSY;
	if (!p->up) {
		free_irq(p->irq, dev);
		return -EIO;
	}
	return 0;
}

static void ir_tx_timeout(struct net_device *dev, unsigned int txqueue)
{
	ir_hw_init(dev);
}

static int ir_open(struct net_device *dev)
{
	return ir_hw_init(dev);
}

static const struct net_device_ops ir_ops = {
	.ndo_open = ir_open,
	.ndo_tx_timeout = ir_tx_timeout,
};

int ir_set_mode(struct device *d, struct ir_priv *p)
{
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&p->lock, flags);
	ret = devm_request_irq(d, p->irq, ir_interrupt, 0, "ir", p); /* expect: atomic-sleeping-call */
	spin_unlock_irqrestore(&p->lock, flags);
	return ret;
}

int ir_probe(struct device *d, struct ir_priv *p)
{
	return devm_request_irq(d, p->irq, ir_interrupt, 0, "ir", p);
}
