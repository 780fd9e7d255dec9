/* Positive twin of scaled_reads.c: the request's address itself cast to an integer
 * and masked is still the pointer, and the helper writes the command through it. */
#define SS_CMD_POST 4

struct ss_req {
	u32 cmd;
	u32 count;
};

struct ss_dev {
	spinlock_t lock;
};

static void ss_untag(struct ss_dev *d, struct ss_req *r)
{
	struct ss_req *t;

	t = (struct ss_req *)((unsigned long)r & ~3UL);
	t->cmd = 0;
}

static int ss_send(struct ss_dev *d, struct ss_req *r)
{
	ss_untag(d, r);
	if (r->cmd == SS_CMD_POST)
		return 0;
	msleep(1); /* expect: atomic-sleeping-call */
	return 0;
}

void ss_post(struct ss_dev *d)
{
	struct ss_req r = { .cmd = SS_CMD_POST };

	spin_lock(&d->lock);
	ss_send(d, &r);
	spin_unlock(&d->lock);
}
