/* A command built in a local struct cleared with memset() instead of a brace
 * initializer: the fields the caller does not set are zero, so the callee takes the
 * no-wait path for group 0. Twins: object_fill_fires.c. */
#define OF_SET_RX 2
#define OF_SET_MTU 5

struct of_ctrl {
	int cmd;
	int group;
	u32 iq_no;
};

struct of_dev {
	spinlock_t lock;
};

static int of_send(struct of_dev *d, struct of_ctrl *c)
{
	/* Group 0 commands are posted, not waited for. */
	if (c->group == 0)
		return 0;
	msleep(1);
	return 0;
}

void of_set_rx_mode(struct of_dev *d)
{
	struct of_ctrl c;

	memset(&c, 0, sizeof(c));
	c.cmd = OF_SET_RX;
	c.iq_no = 3;
	spin_lock(&d->lock);
	of_send(d, &c);
	spin_unlock(&d->lock);
}
