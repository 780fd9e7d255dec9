/* seed: cleanup.h guards, scoped guards, iterator macros */
static void gadget_fill(struct gadget *g, gfp_t gfp)
{
	struct item *it;

	guard(spinlock)(&g->lock);
	list_for_each_entry(it, &g->items, node) {
		it->data = kmalloc_array(it->n, sizeof(u32), gfp);
	}
	scoped_guard(rcu) {
		it = vmalloc(4096);
	}
}

void gadget_try(struct gadget *g)
{
	scoped_guard(spinlock_try, &g->lock) {
		g->p = kcalloc(2, 8, GFP_NOIO);
	}
	if (spin_trylock(&g->lock)) {
		g->q = kmalloc(16, GFP_NOFS);
		spin_unlock(&g->lock);
	}
}
