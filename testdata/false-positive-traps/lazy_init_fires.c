/* Positive twins of lazy_init.c: lazy initialisation that still sleeps in atomic
 * context on its first call. */
struct lfdev {
	spinlock_t lock;
	void *buf;
	bool ready;
	int busy;
};

/* 1. Only atomic context reaches the function: its first call is an atomic one. */
static int lf_get_buf(struct lfdev *d)
{
	if (!d->buf) {
		d->buf = kmalloc(256, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
		if (!d->buf)
			return -ENOMEM;
	}
	return 0;
}

int lf_xmit(struct lfdev *d)
{
	int ret;

	spin_lock(&d->lock);
	ret = lf_get_buf(d);
	spin_unlock(&d->lock);
	return ret;
}

/* 2. The function takes the lock around the initialisation itself: every first call
 * is under it. */
int lf_prepare(struct lfdev *d)
{
	spin_lock(&d->lock);
	if (!d->ready) {
		msleep(10); /* expect: atomic-sleeping-call */
		d->ready = true;
	}
	spin_unlock(&d->lock);
	return 0;
}

int lf_open(struct lfdev *d)
{
	return lf_prepare(d);
}

/* 3. A flag the function clears again is not set once: a busy marker. */
static void lf_poll(struct lfdev *d)
{
	if (!d->busy) {
		d->busy = 1;
		msleep(1); /* expect: atomic-sleeping-call */
		d->busy = 0;
	}
}

void lf_timer_locked(struct lfdev *d)
{
	spin_lock(&d->lock);
	lf_poll(d);
	spin_unlock(&d->lock);
}

int lf_open_poll(struct lfdev *d)
{
	lf_poll(d);
	return 0;
}

/* 4. A field something else clears at run time, from the interrupt handler: a toggle
 * (the clock comes back on each wake-up, in the handler). */
struct lfudc {
	spinlock_t lock;
	struct clk *clk;
	bool clocked;
	int irq;
};

static void lf_start_clock(struct lfudc *u)
{
	if (u->clocked)
		return;
	clk_prepare_enable(u->clk); /* expect: atomic-sleeping-call */
	u->clocked = true;
}

static void lf_stop_clock(struct lfudc *u)
{
	u->clocked = false;
}

static irqreturn_t lf_udc_irq(int irq, void *dev_id)
{
	struct lfudc *u = dev_id;

	spin_lock(&u->lock);
	if (irq & 1)
		lf_stop_clock(u);
	else
		lf_start_clock(u);
	spin_unlock(&u->lock);
	return IRQ_HANDLED;
}

int lf_udc_probe(struct lfudc *u)
{
	lf_start_clock(u);
	return request_irq(u->irq, lf_udc_irq, 0, "lf", u);
}

/* 5. The set happens only when something else also holds (a surprise removal seen in
 * the hardware), not on the first call: an event, not initialisation. */
struct lfblk {
	spinlock_t lock;
	struct gendisk *disk;
	bool removed;
	int irq;
};

static void lf_check_removal(struct lfblk *b, int vendor)
{
	if (!b->removed) {
		if (vendor == 0xffff) {
			b->removed = true;
			blk_mark_disk_dead(b->disk); /* expect: atomic-sleeping-call */
		}
	}
}

static irqreturn_t lf_blk_irq(int irq, void *dev_id)
{
	lf_check_removal(dev_id, irq);
	return IRQ_HANDLED;
}

int lf_blk_probe(struct lfblk *b)
{
	lf_check_removal(b, 0);
	return request_irq(b->irq, lf_blk_irq, 0, "lf", b);
}

/* 6. A global flag that is cleared again (a reset): not set once. */
static bool lf_pool_ready;
static DEFINE_MUTEX(lf_pool_mutex);

void lf_pool_reset(void)
{
	lf_pool_ready = false;
}

bool lf_alloc_pool(void)
{
	if (!lf_pool_ready) {
		mutex_lock(&lf_pool_mutex); /* expect: atomic-sleeping-call */
		lf_pool_ready = true;
		mutex_unlock(&lf_pool_mutex);
	}
	return lf_pool_ready;
}

void lf_time_wait(struct lfdev *d)
{
	spin_lock_bh(&d->lock);
	lf_alloc_pool();
	spin_unlock_bh(&d->lock);
}

int lf_setsockopt(struct lfdev *d)
{
	return lf_alloc_pool();
}

/* 7. A global flag only atomic context reaches: its first use is atomic. */
static bool lf_table_ready;

static void lf_table_init(void)
{
	if (!lf_table_ready) {
		msleep(1); /* expect: atomic-sleeping-call */
		lf_table_ready = true;
	}
}

void lf_rx(struct lfdev *d)
{
	spin_lock(&d->lock);
	lf_table_init();
	spin_unlock(&d->lock);
}
