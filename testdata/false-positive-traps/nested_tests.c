/* Nested tests: the sleep below `if (a) { if (b) return; }` is reached when `a` is
 * false, or when `a` holds and `b` does not. Nothing is common to both groups of
 * paths, but a caller passing values for which `a` and `b` both hold reaches
 * neither: a posted command (group 0, a no-wait opcode) built in a cleared local
 * struct, and a mode/no-wait flag pair passed as constants. Twins:
 * nested_tests_fires.c. */
#define NT_CMD_POST 3
#define NT_MODE_FAST 1

struct nt_cmd {
	int opcode;
	int group;
	u32 queue;
};

struct nt_dev {
	spinlock_t lock;
};

static int nt_send(struct nt_dev *d, struct nt_cmd *c)
{
	/* Group 0 posted commands are not waited for: the caller may hold a lock. */
	if (c->group == 0) {
		if (c->opcode == NT_CMD_POST)
			return 0;
	}
	msleep(1);
	return 0;
}

void nt_set_rx_mode(struct nt_dev *d)
{
	struct nt_cmd c;

	memset(&c, 0, sizeof(c));
	c.opcode = NT_CMD_POST;
	c.queue = 2;
	spin_lock(&d->lock);
	nt_send(d, &c);
	spin_unlock(&d->lock);
}

static void nt_wait(struct nt_dev *d, int mode, bool nowait)
{
	if (mode == NT_MODE_FAST) {
		if (nowait)
			return;
	}
	usleep_range(10, 20);
}

void nt_poll(struct nt_dev *d)
{
	spin_lock(&d->lock);
	nt_wait(d, NT_MODE_FAST, true);
	spin_unlock(&d->lock);
}
