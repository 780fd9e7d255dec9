/* Positive twins of object_fill.c: a group set after the clearing, a struct filled
 * with another byte, and one never cleared. */
#define PF_SET_RX 2
#define PF_SET_MTU 5

struct pf_ctrl {
	int cmd;
	int group;
};

struct pf_dev {
	spinlock_t lock;
};

static int pf_send(struct pf_dev *d, struct pf_ctrl *c)
{
	/* Group 0 commands are posted, not waited for. */
	if (c->group == 0)
		return 0;
	msleep(1); /* expect: atomic-sleeping-call */
	return 0;
}

static int pf_send_filled(struct pf_dev *d, struct pf_ctrl *c)
{
	/* Group 0 commands are posted, not waited for. */
	if (c->group == 0)
		return 0;
	msleep(1); /* expect: atomic-sleeping-call */
	return 0;
}

static int pf_send_raw(struct pf_dev *d, struct pf_ctrl *c)
{
	/* Group 0 commands are posted, not waited for. */
	if (c->group == 0)
		return 0;
	msleep(1); /* expect: atomic-sleeping-call */
	return 0;
}

void pf_set_mtu(struct pf_dev *d)
{
	struct pf_ctrl c;

	memset(&c, 0, sizeof(c));
	c.cmd = PF_SET_MTU;
	c.group = 1;
	spin_lock(&d->lock);
	pf_send(d, &c);
	spin_unlock(&d->lock);
}

void pf_set_rx_filled(struct pf_dev *d)
{
	struct pf_ctrl c;

	memset(&c, 0xff, sizeof(c));
	c.cmd = PF_SET_RX;
	spin_lock(&d->lock);
	pf_send_filled(d, &c);
	spin_unlock(&d->lock);
}

void pf_set_rx_raw(struct pf_dev *d)
{
	struct pf_ctrl c;

	c.cmd = PF_SET_RX;
	spin_lock(&d->lock);
	pf_send_raw(d, &c);
	spin_unlock(&d->lock);
}
