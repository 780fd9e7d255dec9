/* Context queries (issue 10, pattern 3): a sleep its author made conditional on
 * the context (`if (!in_interrupt())`, `if (gfpflags_allow_blocking(gfp))`) is not
 * reported through callers; the same call without the query is (positive twins), and
 * so is a query that cannot see a spinlock held in the same function. */
struct cg {
	spinlock_t lock;
	struct mutex mtx;
};

static void cg_wait_neg(struct cg *c)
{
	if (!in_interrupt())
		msleep(1);
	else
		mdelay(1);
}

static void cg_wait_pos(struct cg *c)
{
	msleep(1); /* expect: atomic-sleeping-call */
}

static void cg_early_neg(struct cg *c)
{
	if (in_atomic() || irqs_disabled())
		return;
	mutex_lock(&c->mtx);
	mutex_unlock(&c->mtx);
}

static void cg_gfp_neg(struct cg *c, gfp_t gfp)
{
	if (gfpflags_allow_blocking(gfp))
		mutex_lock(&c->mtx);
}

static void cg_task_neg(struct cg *c)
{
	if (in_task())
		msleep(2);
}

static void cg_timer(struct timer_list *t)
{
	struct cg *c = from_timer(c, t, timer);

	cg_wait_neg(c);
	cg_early_neg(c);
	cg_gfp_neg(c, GFP_ATOMIC);
	cg_task_neg(c);
	cg_wait_pos(c);
}

void cg_setup(struct cg *c)
{
	timer_setup(&c->timer, cg_timer, 0);
}

/* The query cannot see this function's own spinlock. */
void cg_locked(struct cg *c)
{
	spin_lock(&c->lock);
	if (!in_interrupt())
		msleep(1); /* expect: atomic-sleeping-call */
	spin_unlock(&c->lock);
}
