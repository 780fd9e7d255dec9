/* Stands in for the workqueue implementation: the body releases the pool lock it
 * took through another helper; what the knowledge says the API does (it sleeps)
 * outranks what this body seems to do. */
struct wpool {
	raw_spinlock_t lock;
};

static struct wpool *wq_pool(struct work_struct *w);

bool cancel_work_sync(struct work_struct *w)
{
	struct wpool *pool = wq_pool(w);

	raw_spin_unlock_irq(&pool->lock);
	return true;
}
