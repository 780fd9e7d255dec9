/* Lazy initialisation: a sleeping call a function makes only while a field of its
 * object is still unset, where the function sets that field and never clears it. It
 * runs once per object, on the first call; when process context (a probe, an open)
 * also reaches the function with no lock held, that first call can be the process
 * one, and an atomic caller finds the field set. Positive twins: lazy_init_fires.c. */
#define LZ_FW_ALLOC 0x1

struct lz_stats {
	unsigned long rx;
};

struct lzdev {
	spinlock_t lock;
	struct lz_stats *stats;
	unsigned int fw_flag;
	bool irq_done;
	void *res;
	int irq;
};

/* 1. A pointer allocated on first use; the probe path dumps the stats first. */
int lz_stats_dump(struct lzdev *d)
{
	if (!d->stats) {
		d->stats = kzalloc(sizeof(*d->stats), GFP_KERNEL);
		if (!d->stats)
			return -ENOMEM;
	}
	return d->stats->rx;
}

int lz_get_stats(struct lzdev *d)
{
	unsigned long flags;
	int n;

	spin_lock_irqsave(&d->lock, flags);
	n = lz_stats_dump(d);
	spin_unlock_irqrestore(&d->lock, flags);
	return n;
}

int lz_probe(struct lzdev *d)
{
	return lz_stats_dump(d);
}

/* 2. A flag bit tested on entry, set at the end; the interrupt handler re-runs the
 * handshake, which the probe path ran first, two calls up. */
static int lz_init_data(struct lzdev *d)
{
	size_t size = 4096;

	if (d->fw_flag & LZ_FW_ALLOC)
		return 0;
	/* (A branch that joins again before the call does not decide it.) */
	if (d->irq & 2)
		size += 64;
	d->res = kmalloc(size, GFP_KERNEL);
	if (!d->res)
		return -ENOMEM;
	d->fw_flag |= LZ_FW_ALLOC;
	return 0;
}

static int lz_handshake(struct lzdev *d)
{
	return lz_init_data(d);
}

static irqreturn_t lz_isr(int irq, void *dev_id)
{
	struct lzdev *d = dev_id;

	lz_handshake(d);
	return IRQ_HANDLED;
}

static int lz_start(struct lzdev *d)
{
	return lz_handshake(d);
}

int lz_probe_hw(struct lzdev *d)
{
	if (lz_start(d))
		return -EIO;
	return request_irq(d->irq, lz_isr, 0, "lz", d);
}

/* 3. A boolean set once; a tasklet reconfigures with the lock held. */
static int lz_config_irq(struct lzdev *d, int mask)
{
	if (!d->irq_done) {
		int ret = request_threaded_irq(d->irq, lz_isr, NULL, 0, "lz", d);

		if (ret)
			return ret;
	}
	d->irq_done = true;
	return mask;
}

void lz_tasklet(struct tasklet_struct *t)
{
	struct lzdev *d = from_tasklet(d, t, lock);

	spin_lock(&d->lock);
	lz_config_irq(d, 1);
	spin_unlock(&d->lock);
}

int lz_channel_init(struct lzdev *d)
{
	return lz_config_irq(d, 0);
}

/* 4. A global flag: the pool is allocated once, under a mutex, the first time anyone
 * asks; setsockopt asks first, in process context (`if (!READ_ONCE(ready))` in
 * `unlikely()`, set with WRITE_ONCE() in a helper of the same file, never cleared). */
static bool lz_pool_ready;
static DEFINE_MUTEX(lz_pool_mutex);

static void __lz_alloc_pool(void)
{
	WRITE_ONCE(lz_pool_ready, true);
}

bool lz_alloc_pool(void)
{
	if (unlikely(!READ_ONCE(lz_pool_ready))) {
		mutex_lock(&lz_pool_mutex);
		if (!lz_pool_ready)
			__lz_alloc_pool();
		mutex_unlock(&lz_pool_mutex);
	}
	return READ_ONCE(lz_pool_ready);
}

void lz_time_wait(struct lzdev *d)
{
	spin_lock_bh(&d->lock);
	lz_alloc_pool();
	spin_unlock_bh(&d->lock);
}

int lz_setsockopt(struct lzdev *d)
{
	return lz_alloc_pool();
}
