/* A field read through a parameter inside arithmetic other than a sum (`r->count * 8`,
 * `r->count >> 1`) is a number, not a copy of the pointer: a helper computing a size
 * from the request's fields writes nothing through the request, so the command the
 * caller set is still there when the callee tests it after the helper. Twins:
 * scaled_reads_fires.c. */
#define SR_CMD_POST 4

struct sr_req {
	u32 cmd;
	u32 count;
};

struct sr_dev {
	spinlock_t lock;
	u32 size;
};

static void sr_size(struct sr_dev *d, struct sr_req *r)
{
	u32 bytes;

	bytes = (u32)(r->count * 8);
	d->size = bytes + (r->count >> 1);
}

static int sr_send(struct sr_dev *d, struct sr_req *r)
{
	sr_size(d, r);
	/* Posted commands are not waited for. */
	if (r->cmd == SR_CMD_POST)
		return 0;
	msleep(1);
	return 0;
}

void sr_post(struct sr_dev *d)
{
	struct sr_req r = { .cmd = SR_CMD_POST, .count = 2 };

	spin_lock(&d->lock);
	sr_send(d, &r);
	spin_unlock(&d->lock);
}
