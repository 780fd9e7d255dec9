/* Entry points that are not what they look like, and calls that are fine in them. */
struct slot {
	struct timer_list ev;
	struct mutex m;
	struct rcu_head rcu;
	struct xarray xa;
	spinlock_t lock;
	void *buf;
	void *vbuf;
};

/* Set up on one object with two callbacks: the second replaces the first before the
 * timer is armed, so neither is taken as a timer callback. */
static void slot_worker(struct timer_list *t)
{
	struct slot *s = from_timer(s, t, ev);

	mutex_lock(&s->m);
	mutex_unlock(&s->m);
}

static void slot_helper(struct timer_list *t)
{
	wake_up_process(NULL);
}

void slot_init(struct slot *s)
{
	timer_setup(&s->ev, slot_worker, 0);
}

void slot_arm(struct slot *s)
{
	timer_setup(&s->ev, slot_helper, 0);
	add_timer(&s->ev);
}

/* vfree() defers the free in interrupt context: fine in an RCU callback, not under a
 * spinlock in process context. */
static void slot_free_rcu(struct rcu_head *head)
{
	struct slot *s = container_of(head, struct slot, rcu);

	vfree(s->vbuf);
}

void slot_release(struct slot *s)
{
	call_rcu(&s->rcu, slot_free_rcu);
	spin_lock(&s->lock);
	vfree(s->vbuf); /* expect: atomic-sleeping-call */
	spin_unlock(&s->lock);
}

/* __xa_insert() drops xa_lock around its allocation. */
int slot_insert(struct slot *s, unsigned long id)
{
	int err;

	xa_lock_irq(&s->xa);
	err = __xa_insert(&s->xa, id, s, GFP_KERNEL);
	xa_unlock_irq(&s->xa);
	spin_lock(&s->lock);
	err = __xa_insert(&s->xa, id, s, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock(&s->lock);
	return err;
}

/* Code after panic() is never reached. */
void slot_fatal(struct slot *s)
{
	spin_lock(&s->lock);
	panic("slot: fatal error");
	s->buf = kmalloc(8, GFP_KERNEL);
}
