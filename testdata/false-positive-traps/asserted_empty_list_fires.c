/* Positive twins of asserted_empty_list.c: a loop over another list than the one
 * asserted empty, an assertion of non-emptiness, a statement that may add to the list
 * between the assertion and the loop, and a loop that does not follow the assertion
 * directly (a call between them). */
struct af_client {
	struct list_head node;
	struct clk *clk;
};

struct af_domain {
	spinlock_t lock;
	struct list_head clients;
	struct list_head pending;
};

static void af_client_off(struct af_client *c)
{
	msleep(10); /* expect: atomic-sleeping-call */
}

static void af_other_list(struct af_domain *dom)
{
	struct af_client *c, *next;
	unsigned long flags;

	WARN_ON(!list_empty(&dom->pending));
	spin_lock_irqsave(&dom->lock, flags);
	list_for_each_entry_safe(c, next, &dom->clients, node)
		af_client_off(c);
	spin_unlock_irqrestore(&dom->lock, flags);
}

static void af_not_empty(struct af_domain *dom)
{
	struct af_client *c;

	spin_lock(&dom->lock);
	WARN_ON(list_empty(&dom->clients));
	list_for_each_entry(c, &dom->clients, node)
		msleep(1); /* expect: atomic-sleeping-call */
	spin_unlock(&dom->lock);
}

static void af_added_between(struct af_domain *dom, struct af_client *n)
{
	struct af_client *c;

	spin_lock(&dom->lock);
	WARN_ON(!list_empty(&dom->clients));
	list_add(&n->node, &dom->clients);
	list_for_each_entry(c, &dom->clients, node)
		msleep(2); /* expect: atomic-sleeping-call */
	spin_unlock(&dom->lock);
}

static void af_refilled(struct af_domain *dom)
{
	struct af_client *c;

	spin_lock(&dom->lock);
	WARN_ON(!list_empty(&dom->clients));
	af_refill(dom);
	list_for_each_entry(c, &dom->clients, node)
		msleep(3); /* expect: atomic-sleeping-call */
	spin_unlock(&dom->lock);
}
