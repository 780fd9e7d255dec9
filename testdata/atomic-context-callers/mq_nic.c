/* An ndo_tx_timeout callback (netdev watchdog, softirq, tx lock held) that resets
 * the device: the receive path it calls enqueues through mq_enqueue() (mq_backlog.c),
 * which pairs configuration-dependent lock wrappers. That is no release of the
 * callback's context: the later free_irq() is reported. */
#include <linux/netdevice.h>

struct mq_backlog;
int mq_enqueue(struct mq_backlog *q);

struct mq_priv {
	struct mq_backlog *q;
	int irq;
};

static void mq_rx(struct mq_priv *p)
{
	mq_enqueue(p->q);
}

static void mq_tx_timeout(struct net_device *dev, unsigned int txqueue)
{
	struct mq_priv *p = netdev_priv(dev);

	mq_rx(p);
	free_irq(p->irq, dev); /* expect: atomic-sleeping-call */
}

static const struct net_device_ops mq_ops = {
	.ndo_tx_timeout = mq_tx_timeout,
};
