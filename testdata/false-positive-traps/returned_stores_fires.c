/* Positive twins of returned_stores.c: what the allocator stored no longer decides the
 * wait, or never did. Each case has its own types and sleep site (a sleep site is
 * reported once). */
struct rf_req { int waiting; int armed; struct completion comp; unsigned long scratch; };
struct rf_dev { spinlock_t lock; struct rf_req *last; };

/* 1. The caller holding the lock asks for a waiting request. */
struct rf_req *rf_get(struct rf_dev *dev, bool wait)
{
	struct rf_req *req = kzalloc(sizeof(*req), GFP_ATOMIC);

	if (!req)
		return NULL;
	req->waiting = wait;
	return req;
}

static int rf_submit(struct rf_dev *dev, struct rf_req *req)
{
	if (req->waiting)
		wait_for_completion(&req->comp); /* expect: atomic-sleeping-call */
	return 0;
}

void rf_sync(struct rf_dev *dev)
{
	struct rf_req *req;

	spin_lock(&dev->lock);
	req = rf_get(dev, true);
	if (req)
		rf_submit(dev, req);
	spin_unlock(&dev->lock);
}

/* 2. The field is stored on some paths only: unknown where it is not. */
struct rg_req { int waiting; struct completion comp; };
struct rg_dev { spinlock_t lock; };

struct rg_req *rg_get(struct rg_dev *dev, bool wait)
{
	struct rg_req *req = kzalloc(sizeof(*req), GFP_ATOMIC);

	if (!req)
		return NULL;
	if (wait)
		req->waiting = wait;
	return req;
}

static int rg_submit(struct rg_dev *dev, struct rg_req *req)
{
	if (req->waiting)
		wait_for_completion(&req->comp); /* expect: atomic-sleeping-call */
	return 0;
}

void rg_post(struct rg_dev *dev)
{
	struct rg_req *req;

	spin_lock(&dev->lock);
	req = rg_get(dev, false);
	if (req)
		rg_submit(dev, req);
	spin_unlock(&dev->lock);
}

/* 3. The request's address is stored away, then a program function runs that could
 * reach it through that copy. */
struct rh_req { int waiting; struct completion comp; unsigned long scratch; };
struct rh_dev { spinlock_t lock; struct rh_req *cur; };

struct rh_req *rh_get(struct rh_dev *dev, bool wait)
{
	struct rh_req *req = kzalloc(sizeof(*req), GFP_ATOMIC);

	if (!req)
		return NULL;
	req->waiting = wait;
	return req;
}

static void rh_kick(struct rh_dev *dev)
{
	dev->cur->waiting = 1;
}

static int rh_submit(struct rh_dev *dev, struct rh_req *req)
{
	if (req->waiting)
		wait_for_completion(&req->comp); /* expect: atomic-sleeping-call */
	return 0;
}

void rh_post(struct rh_dev *dev)
{
	struct rh_req *req;

	spin_lock(&dev->lock);
	req = rh_get(dev, false);
	if (req) {
		dev->cur = req;
		rh_kick(dev);
		rh_submit(dev, req);
	}
	spin_unlock(&dev->lock);
}

/* 4. A helper given the request writes the field after the allocator did. */
struct ri_req { int waiting; struct completion comp; };
struct ri_dev { spinlock_t lock; };

struct ri_req *ri_get(struct ri_dev *dev, bool wait)
{
	struct ri_req *req = kzalloc(sizeof(*req), GFP_ATOMIC);

	if (!req)
		return NULL;
	req->waiting = wait;
	return req;
}

static void ri_arm(struct ri_req *req)
{
	req->waiting = 1;
}

static int ri_submit(struct ri_dev *dev, struct ri_req *req)
{
	if (req->waiting)
		wait_for_completion(&req->comp); /* expect: atomic-sleeping-call */
	return 0;
}

void ri_post(struct ri_dev *dev)
{
	struct ri_req *req;

	spin_lock(&dev->lock);
	req = ri_get(dev, false);
	if (req) {
		ri_arm(req);
		ri_submit(dev, req);
	}
	spin_unlock(&dev->lock);
}

/* 5. The allocator publishes the request before returning it: what it stored says
 * nothing once other code can reach the request. */
struct rj_req { int waiting; struct completion comp; };
struct rj_dev { spinlock_t lock; struct rj_req *last; };

struct rj_req *rj_get(struct rj_dev *dev, bool wait)
{
	struct rj_req *req = kzalloc(sizeof(*req), GFP_ATOMIC);

	if (!req)
		return NULL;
	req->waiting = wait;
	dev->last = req;
	rj_note(dev);
	return req;
}

static int rj_submit(struct rj_dev *dev, struct rj_req *req)
{
	if (req->waiting)
		wait_for_completion(&req->comp); /* expect: atomic-sleeping-call */
	return 0;
}

void rj_post(struct rj_dev *dev)
{
	struct rj_req *req;

	spin_lock(&dev->lock);
	req = rj_get(dev, false);
	if (req)
		rj_submit(dev, req);
	spin_unlock(&dev->lock);
}
