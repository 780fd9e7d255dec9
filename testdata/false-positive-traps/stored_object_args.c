/* An object argument whose fields the caller stored but whose values are not all
 * known (`p->id = id`, the caller's own parameter) is still a non-NULL pointer: the
 * callee's sleep for a NULL peer is not reached from the caller that checked its
 * allocation. Twin: stored_object_args_fires.c. */
struct so_wq;
struct so_peer {
	int id;
};
struct so_net {
	spinlock_t lock;
	struct so_wq *wq;
};

static int so_attach(struct so_net *net, struct so_peer *peer)
{
	if (!peer)
		flush_workqueue(net->wq);
	return 0;
}

struct so_peer *so_peer_create(struct so_net *net, int id)
{
	struct so_peer *p;

	spin_lock_bh(&net->lock);
	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (!p)
		goto out;
	p->id = id;
	so_attach(net, p);
out:
	spin_unlock_bh(&net->lock);
	return p;
}
