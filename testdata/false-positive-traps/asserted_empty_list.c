/* A loop over a list the code has just asserted empty (WARN_ON(!list_empty(...)),
 * then only lock calls): its body, which would sleep under the lock, runs on no path
 * gfplint reports. Freeing a domain with clients still attached is a bug the kernel
 * warns about; the loop is defensive cleanup. */
struct ae_client {
	struct list_head node;
	struct clk *clk;
};

struct ae_domain {
	spinlock_t lock;
	struct list_head clients;
	struct hlist_head slots;
};

static void ae_client_off(struct ae_client *c)
{
	msleep(10);
}

static void ae_domain_free(struct ae_domain *dom)
{
	struct ae_client *c, *next;
	unsigned long flags;

	WARN_ON(!list_empty(&dom->clients));

	spin_lock_irqsave(&dom->lock, flags);
	list_for_each_entry_safe(c, next, &dom->clients, node) {
		ae_client_off(c);
		list_del_init(&c->node);
	}
	spin_unlock_irqrestore(&dom->lock, flags);
	kfree(dom);
}

static void ae_domain_drain(struct ae_domain *dom)
{
	struct ae_client *c;

	spin_lock(&dom->lock);
	WARN_ON_ONCE(!list_empty( &dom -> clients ));
	list_for_each_entry(c, &dom->clients, node)
		msleep(1);
	spin_unlock(&dom->lock);
}
