/* Callbacks calling a release wrapper (rxw_queue.c). Releasing a lock ends the
 * atomic context of the caller's lock, never that of a softirq or hard-IRQ
 * callback: the NAPI poll below still runs in softirq context after the release. */
#include <linux/netdevice.h>

struct rxw_queue;
void rxw_queue_unlock(struct rxw_queue *q);

struct rxw_priv {
	struct napi_struct napi;
	struct rxw_queue *q;
	struct net_device *dev;
};

static void rxw_flush(struct rxw_priv *p)
{
	rxw_queue_unlock(p->q);
}

static int rxw_poll(struct napi_struct *napi, int budget)
{
	struct rxw_priv *p = container_of(napi, struct rxw_priv, napi);

	rxw_flush(p);
	napi_disable(&p->napi); /* expect: atomic-sleeping-call */
	return 0;
}

/* ndo_set_rx_mode runs under the address lock; a callback that releases a lock
 * its caller took is written to sleep without it (the unlock-sleep-relock idiom):
 * not reported, as before. */
static void rxw_set_rx_mode(struct net_device *dev)
{
	struct rxw_priv *p = netdev_priv(dev);

	rxw_flush(p);
	msleep(1);
}

static const struct net_device_ops rxw_ops = {
	.ndo_set_rx_mode = rxw_set_rx_mode,
};

void rxw_setup(struct rxw_priv *p)
{
	netif_napi_add(p->dev, &p->napi, rxw_poll, 64);
}
