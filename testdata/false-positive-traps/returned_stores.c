/* Value dispatch through a field the callee stored into the object it returns: the
 * request allocator stores its `wait` parameter into `req->waiting` on every path that
 * returns a request (NULL returns none), and the submit helper waits only when that
 * field is set. The caller holding a spinlock asks for a request with `wait` false, so
 * the wait is never reached from there. Between the two calls the caller fills the
 * request through a pointer to another member (`info = &req->info`: that member only),
 * stores the request's address into it (an escape: from there a call could change it
 * through that copy, but only a message is printed before the submit). A second
 * allocator stores a constant. Twins: returned_stores_fires.c. */
struct rs_info { int cmd; int len; unsigned long scratch; };
struct rs_req { struct rs_info info; int waiting; int dynamic; struct completion comp; };
struct rs_pool { spinlock_t lock; struct rs_req *free[8]; int nfree; };
struct rs_dev { spinlock_t lock; struct rs_pool pool; struct device *dev; int reset; };

struct rs_req *rs_get_req(struct rs_pool *pool, bool wait)
{
	struct rs_req *req = NULL;
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	if (pool->nfree)
		req = pool->free[--pool->nfree];
	spin_unlock_irqrestore(&pool->lock, flags);
	if (!req) {
		req = kzalloc(sizeof(*req), GFP_ATOMIC);
		if (req) {
			req->dynamic = true;
			if (wait)
				init_completion(&req->comp);
		}
	}
	if (!req)
		return NULL;
	req->waiting = wait;
	/* Other members written afterwards leave `waiting` alone. */
	memset(&req->info, 0, sizeof(req->info));
	return req;
}

static int rs_wait(struct rs_dev *dev, struct rs_req *req)
{
	wait_for_completion(&req->comp);
	return 0;
}

int rs_submit(struct rs_dev *dev, struct rs_req *req)
{
	struct rs_info *info = &req->info;

	if (dev->reset)
		return -EBUSY;
	info->len = 0;
	if (req->waiting)
		return rs_wait(dev, req);
	return 0;
}

int rs_send(struct rs_dev *dev, int cmd, bool wait)
{
	struct rs_req *req;
	struct rs_info *info;

	req = rs_get_req(&dev->pool, wait);
	if (!req)
		return -ENOMEM;
	info = &req->info;
	memset(info, 0, sizeof(*info));
	info->cmd = cmd;
	info->scratch = (unsigned long)req;
	dev_dbg(dev->dev, "send %d\n", cmd);
	return rs_submit(dev, req);
}

void rs_flush(struct rs_dev *dev)
{
	spin_lock(&dev->lock);
	rs_send(dev, 3, false);
	spin_unlock(&dev->lock);
}

/* A constant stored: posted requests are never waited for. */
struct rs_req *rs_get_posted(struct rs_pool *pool)
{
	struct rs_req *req = kzalloc(sizeof(*req), GFP_ATOMIC);

	if (!req)
		return NULL;
	req->waiting = 0;
	return req;
}

void rs_post(struct rs_dev *dev)
{
	struct rs_req *req;

	spin_lock(&dev->lock);
	req = rs_get_posted(&dev->pool);
	if (req)
		rs_submit(dev, req);
	spin_unlock(&dev->lock);
}
