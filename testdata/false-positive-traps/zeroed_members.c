/* Members of a freshly zeroed object (issue 10): after `c = kzalloc(…)` every member
 * of `*c` is zero until the function writes it. Here the work queue is made only for
 * a context without a peer, so the error path's `if (c->wq)` destroys it only when
 * `peer` is NULL; the caller holding a spinlock passes a peer it has just allocated
 * and checked, so the sleeping destroy is not reached with the lock held. Twins:
 * zeroed_members_fires.c. */
struct zm_wq;
struct zm_stats { int n; };
struct zm_ctx {
	struct zm_wq *wq;
	struct zm_stats *stats;
	struct zm_peer *peer;
	int flags;
};
struct zm_peer {
	struct zm_ctx *ctx;
	int id;
};
struct zm_net {
	spinlock_t lock;
};

int zm_ctx_start(struct zm_ctx **out, struct zm_peer *peer)
{
	struct zm_ctx *c;

	if (*out)
		return -EEXIST;
	c = kzalloc(sizeof(*c), GFP_ATOMIC);
	if (!c)
		return -ENOMEM;
	if (!peer) {
		c->wq = alloc_ordered_workqueue("zm", 0);
		if (!c->wq) {
			kfree(c);
			return -ENOMEM;
		}
	}
	c->stats = kmalloc(sizeof(*c->stats), GFP_ATOMIC);
	if (!c->stats) {
		if (c->wq)
			destroy_workqueue(c->wq);
		kfree(c);
		return -ENOMEM;
	}
	c->peer = peer;
	*out = c;
	return 0;
}

/* The same with the zeroing asked of the GFP flags, and the object declared with its
 * allocation. */
int zm_ctx_start_flags(struct zm_ctx **out, struct zm_peer *peer)
{
	struct zm_ctx *c = kmalloc(sizeof(*c), GFP_ATOMIC | __GFP_ZERO);

	if (!c)
		return -ENOMEM;
	if (!peer)
		c->wq = alloc_ordered_workqueue("zm", 0);
	c->flags = 1;
	if (c->wq)
		destroy_workqueue(c->wq);
	kfree(c);
	return 0;
}

struct zm_peer *zm_peer_create(struct zm_net *net, int id)
{
	struct zm_peer *p;

	spin_lock_bh(&net->lock);
	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (!p)
		goto out;
	p->id = id;
	if (zm_ctx_start(&p->ctx, p)) {
		kfree(p);
		p = NULL;
	}
out:
	spin_unlock_bh(&net->lock);
	return p;
}

struct zm_peer *zm_peer_create_flags(struct zm_net *net, int id)
{
	struct zm_peer *p;

	spin_lock_bh(&net->lock);
	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (p) {
		if (zm_ctx_start_flags(&p->ctx, p)) {
			kfree(p);
			p = NULL;
		}
	}
	spin_unlock_bh(&net->lock);
	return p;
}
