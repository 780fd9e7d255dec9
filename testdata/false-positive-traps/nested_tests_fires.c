/* Positive twins of nested_tests.c: values that reach the sleep through one group
 * of paths or the other (a command of another opcode, a non-zero group, the slow
 * mode), and a caller whose value is unknown. */
#define NU_CMD_POST 3
#define NU_CMD_MTU 5
#define NU_MODE_FAST 1
#define NU_MODE_SLOW 2

struct nu_cmd {
	int opcode;
	int group;
	u32 queue;
};

struct nu_dev {
	spinlock_t lock;
};

static int nu_send(struct nu_dev *d, struct nu_cmd *c)
{
	if (c->group == 0) {
		if (c->opcode == NU_CMD_POST)
			return 0;
	}
	msleep(1); /* expect: atomic-sleeping-call */
	return 0;
}

/* Group 0, but an opcode that waits. */
void nu_set_mtu(struct nu_dev *d)
{
	struct nu_cmd c;

	memset(&c, 0, sizeof(c));
	c.opcode = NU_CMD_MTU;
	spin_lock(&d->lock);
	nu_send(d, &c);
	spin_unlock(&d->lock);
}

static int nv_send(struct nu_dev *d, struct nu_cmd *c)
{
	if (c->group == 0) {
		if (c->opcode == NU_CMD_POST)
			return 0;
	}
	msleep(2); /* expect: atomic-sleeping-call */
	return 0;
}

/* The posted opcode, in another group: the outer test fails. */
void nv_set_rx_mode(struct nu_dev *d)
{
	struct nu_cmd c = { .opcode = NU_CMD_POST, .group = 1 };

	spin_lock(&d->lock);
	nv_send(d, &c);
	spin_unlock(&d->lock);
}

static void nu_wait(struct nu_dev *d, int mode, bool nowait)
{
	if (mode == NU_MODE_FAST) {
		if (nowait)
			return;
	}
	usleep_range(10, 20); /* expect: atomic-sleeping-call */
}

void nu_poll_slow(struct nu_dev *d)
{
	spin_lock(&d->lock);
	nu_wait(d, NU_MODE_SLOW, true);
	spin_unlock(&d->lock);
}

static void nw_wait(struct nu_dev *d, int mode, bool nowait)
{
	if (mode == NU_MODE_FAST) {
		if (nowait)
			return;
	}
	usleep_range(30, 40); /* expect: atomic-sleeping-call */
}

void nw_poll(struct nu_dev *d, int mode)
{
	spin_lock(&d->lock);
	nw_wait(d, mode, true);
	spin_unlock(&d->lock);
}
