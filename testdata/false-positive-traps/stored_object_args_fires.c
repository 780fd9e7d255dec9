/* Positive twin of stored_object_args.c: the object is the caller's parameter, which
 * may be NULL for all the caller knows, so the stores into it say nothing of its
 * address. */
struct sf_wq;
struct sf_peer {
	int id;
};
struct sf_net {
	spinlock_t lock;
	struct sf_wq *wq;
};

static int sf_attach(struct sf_net *net, struct sf_peer *peer)
{
	if (!peer)
		flush_workqueue(net->wq); /* expect: atomic-sleeping-call */
	return 0;
}

void sf_peer_reset(struct sf_net *net, struct sf_peer *p, int id)
{
	spin_lock_bh(&net->lock);
	p->id = id;
	sf_attach(net, p);
	spin_unlock_bh(&net->lock);
}
