/* Positive twins of zeroed_members.c: the member tested may have been set on the
 * caller's path after all (written with an unknown value, set by a helper given the
 * object, written through a copy of the pointer), or the memory was never zeroed, so
 * the sleeping call stays reachable with the caller's lock held. */
struct zf_wq;
struct zf_ctx {
	struct zf_wq *wq;
	int flags;
};
struct zf_peer {
	struct zf_ctx *ctx;
	int id;
};
struct zf_net {
	spinlock_t lock;
};

struct zf_wq *zf_lookup(int id);
void zf_setup(struct zf_ctx *c);

/* Written with a value the function does not know on every path. */
int zf_written(struct zf_ctx **out, struct zf_peer *peer)
{
	struct zf_ctx *c = kzalloc(sizeof(*c), GFP_ATOMIC);

	if (!c)
		return -ENOMEM;
	if (!peer)
		c->wq = alloc_ordered_workqueue("zf", 0);
	else
		c->wq = zf_lookup(peer->id);
	if (c->wq)
		destroy_workqueue(c->wq); /* expect: atomic-sleeping-call */
	kfree(c);
	return 0;
}

/* Given to a helper the run does not define, which may set any member. */
int zf_helper(struct zf_ctx **out, struct zf_peer *peer)
{
	struct zf_ctx *c = kzalloc(sizeof(*c), GFP_ATOMIC);

	if (!c)
		return -ENOMEM;
	if (!peer)
		c->wq = alloc_ordered_workqueue("zf", 0);
	zf_setup(c);
	if (c->wq)
		destroy_workqueue(c->wq); /* expect: atomic-sleeping-call */
	kfree(c);
	return 0;
}

/* Written through a copy of the pointer. */
int zf_copy(struct zf_ctx **out, struct zf_peer *peer)
{
	struct zf_ctx *c = kzalloc(sizeof(*c), GFP_ATOMIC);
	struct zf_ctx *d;

	if (!c)
		return -ENOMEM;
	if (!peer)
		c->wq = alloc_ordered_workqueue("zf", 0);
	d = c;
	d->wq = zf_lookup(1);
	if (c->wq)
		destroy_workqueue(c->wq); /* expect: atomic-sleeping-call */
	kfree(c);
	return 0;
}

/* Not zeroed: the member holds whatever the memory held. */
int zf_plain(struct zf_ctx **out, struct zf_peer *peer)
{
	struct zf_ctx *c = kmalloc(sizeof(*c), GFP_ATOMIC);

	if (!c)
		return -ENOMEM;
	if (!peer)
		c->wq = alloc_ordered_workqueue("zf", 0);
	if (c->wq)
		destroy_workqueue(c->wq); /* expect: atomic-sleeping-call */
	kfree(c);
	return 0;
}

/* Zeroed, but the pointer now names another object an iterator macro walked to. */
int zf_iterated(struct zf_ctx **out, struct zf_peer *peer, struct list_head *head)
{
	struct zf_ctx *c = kzalloc(sizeof(*c), GFP_ATOMIC);

	if (!c)
		return -ENOMEM;
	if (!peer)
		c->wq = alloc_ordered_workqueue("zf", 0);
	list_for_each_entry(c, head, flags) {
		if (c->flags)
			break;
	}
	if (c->wq)
		destroy_workqueue(c->wq); /* expect: atomic-sleeping-call */
	return 0;
}

/* Each called with the lock held and a peer just allocated and checked. */
void zf_written_caller(struct zf_net *net)
{
	struct zf_peer *p;

	spin_lock_bh(&net->lock);
	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (p)
		zf_written(&p->ctx, p);
	spin_unlock_bh(&net->lock);
	kfree(p);
}

void zf_helper_caller(struct zf_net *net)
{
	struct zf_peer *p;

	spin_lock_bh(&net->lock);
	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (p)
		zf_helper(&p->ctx, p);
	spin_unlock_bh(&net->lock);
	kfree(p);
}

void zf_copy_caller(struct zf_net *net)
{
	struct zf_peer *p;

	spin_lock_bh(&net->lock);
	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (p)
		zf_copy(&p->ctx, p);
	spin_unlock_bh(&net->lock);
	kfree(p);
}

void zf_plain_caller(struct zf_net *net)
{
	struct zf_peer *p;

	spin_lock_bh(&net->lock);
	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (p)
		zf_plain(&p->ctx, p);
	spin_unlock_bh(&net->lock);
	kfree(p);
}

void zf_iterated_caller(struct zf_net *net, struct list_head *head)
{
	struct zf_peer *p;

	spin_lock_bh(&net->lock);
	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (p)
		zf_iterated(&p->ctx, p, head);
	spin_unlock_bh(&net->lock);
	kfree(p);
}
