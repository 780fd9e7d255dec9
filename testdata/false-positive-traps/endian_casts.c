/* Endian types in casts (`*(__le16 *)&req[4] = x;`) must parse as casts: a parse
 * error there made tree-sitter merge the function with the next one, so its
 * `if (wait)` branch was lost and the next function's sleeps were counted as its own
 * (issue 10, review: a `wait == 0` caller reported). Positive twin: wait == 1. */
struct ec {
	spinlock_t lock;
	wait_queue_head_t wq;
	int done;
	unsigned char *buf;
};

static int ec_setconfig(struct ec *e, int rid, int wait)
{
	unsigned char *req = e->buf;

	*((__le32 *)req) = cpu_to_le32(rid);
	*(__le16 *)&req[4] = cpu_to_le16(rid);
	*(__be64 *)&req[8] = cpu_to_be64(rid);
	if (wait) {
		wait_event_interruptible(e->wq, e->done); /* expect: atomic-sleeping-call */
	}
	return 0;
}

static int ec_start(struct ec *e)
{
	e->buf = kzalloc(64, GFP_KERNEL);
	return e->buf ? 0 : -ENOMEM;
}

void ec_set_multicast(struct ec *e)
{
	spin_lock_bh(&e->lock);
	ec_setconfig(e, 3, 0);
	spin_unlock_bh(&e->lock);
}

void ec_set_sync(struct ec *e)
{
	spin_lock_bh(&e->lock);
	ec_setconfig(e, 3, 1);
	spin_unlock_bh(&e->lock);
}
