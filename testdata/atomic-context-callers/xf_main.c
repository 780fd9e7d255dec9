/* Entry points of the xf driver and how they are registered. */
#include "xf.h"

static irqreturn_t xf_isr(int irq, void *data)
{
	struct xf_dev *xf = data;

	xf_snapshot(xf);
	return IRQ_HANDLED;
}

/* Threaded IRQ: the primary handler is atomic, the thread function is not. */
static irqreturn_t xf_hard(int irq, void *data)
{
	return IRQ_WAKE_THREAD;
}

static irqreturn_t xf_thread(int irq, void *data)
{
	struct xf_dev *xf = data;

	xf->ring = kmalloc(64, GFP_KERNEL);
	mutex_lock(&xf->cfg_lock);
	mutex_unlock(&xf->cfg_lock);
	return IRQ_HANDLED;
}

static void xf_tasklet_fn(struct tasklet_struct *t)
{
	struct xf_dev *xf = from_tasklet(xf, t, tasklet);

	xf_log_event(xf);
}

static void xf_timeout(struct timer_list *t)
{
	struct xf_dev *xf = from_timer(xf, t, timer);

	xf->ring = vzalloc(xf->len); /* expect: atomic-sleeping-alloc */
}

static enum hrtimer_restart xf_hrt_fn(struct hrtimer *h)
{
	struct xf_dev *xf = container_of(h, struct xf_dev, hrt);

	xf->ring = kzalloc(16, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	return HRTIMER_NORESTART;
}

static int xf_poll(struct napi_struct *napi, int budget)
{
	struct xf_dev *xf = container_of(napi, struct xf_dev, napi);

	xf->ring = kmalloc(128, GFP_ATOMIC);
	xf->ring = kmalloc(128, GFP_NOIO); /* expect: atomic-sleeping-gfp */
	return 0;
}

static void xf_urb_done(struct urb *urb)
{
	usb_submit_urb(urb, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
}

static void xf_free_rcu(struct rcu_head *head)
{
	struct xf_dev *xf = container_of(head, struct xf_dev, rcu);

	mutex_lock(&xf->cfg_lock); /* expect: atomic-sleeping-call */
	mutex_unlock(&xf->cfg_lock);
}

static netdev_tx_t xf_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct sk_buff *copy = skb_copy(skb, GFP_KERNEL); /* expect: atomic-sleeping-gfp */

	return NETDEV_TX_OK;
}

static int xf_open(struct net_device *dev)
{
	/* ndo_open runs in process context. */
	void *p = kzalloc(64, GFP_KERNEL);

	return p ? 0 : -ENOMEM;
}

static const struct net_device_ops xf_netdev_ops = {
	.ndo_open = xf_open,
	.ndo_start_xmit = xf_xmit,
};

/* Process-context registrations: work items and kthreads may sleep. */
static void xf_work_fn(struct work_struct *w)
{
	struct xf_dev *xf = container_of(w, struct xf_dev, work);

	xf->ring = kmalloc(4096, GFP_KERNEL);
	msleep(10);
}

static int xf_kthread(void *data)
{
	msleep(10);
	return 0;
}

/* Not atomic in itself; atomic only where a caller holds a lock. */
static int xf_process_ioctl(struct xf_dev *xf)
{
	return xf_snapshot(xf);
}

int xf_probe(struct xf_dev *xf, struct net_device *ndev, struct usb_device *udev, struct urb *urb, int irq)
{
	int ret;

	ret = request_irq(irq, xf_isr, 0, "xf", xf);
	ret = request_threaded_irq(irq + 1, xf_hard, xf_thread, IRQF_ONESHOT, "xf", xf);
	tasklet_setup(&xf->tasklet, xf_tasklet_fn);
	timer_setup(&xf->timer, xf_timeout, 0);
	hrtimer_init(&xf->hrt, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	xf->hrt.function = xf_hrt_fn;
	netif_napi_add(ndev, &xf->napi, xf_poll);
	usb_fill_bulk_urb(urb, udev, 0, xf->ring, 64, xf_urb_done, xf);
	call_rcu(&xf->rcu, xf_free_rcu);
	INIT_WORK(&xf->work, xf_work_fn);
	kthread_run(xf_kthread, xf, "xf");
	ndev->netdev_ops = &xf_netdev_ops;
	return xf_process_ioctl(xf);
}
