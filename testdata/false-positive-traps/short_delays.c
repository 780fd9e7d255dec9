/* `fsleep(usecs)` busy-waits with udelay() up to 10 µs (include/linux/delay.h): a
 * short delay under a lock, or a parameter every atomic caller gives a short value,
 * is not a sleep. Positive twins: short_delays_fires.c. */
#define SHORT_POLL_US 10

struct sdev {
	spinlock_t lock;
	int (*ready)(struct sdev *d);
};

/* 1. A literal at most the bound. */
void sd_literal(struct sdev *d)
{
	spin_lock(&d->lock);
	fsleep(5);
	spin_unlock(&d->lock);
}

/* 2. A named constant at the bound. */
void sd_named(struct sdev *d)
{
	spin_lock(&d->lock);
	fsleep(SHORT_POLL_US);
	spin_unlock(&d->lock);
}

/* 3. The delay comes from the caller, through a helper, as a short constant. */
static int sd_wait(struct sdev *d, unsigned long usecs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (d->ready(d))
			return 0;
		fsleep(usecs);
	}
	return -1;
}

static int sd_wait_short(struct sdev *d, unsigned long us, int n)
{
	return sd_wait(d, us, n);
}

void sd_counters(struct sdev *d)
{
	spin_lock(&d->lock);
	sd_wait_short(d, 10, 1000);
	spin_unlock(&d->lock);
}

/* 4. The iopoll macros busy-poll when their sleep/delay argument is 0 (include/linux/
 * iopoll.h: might_sleep_if(sleep_us != 0)); the `_atomic` forms never sleep. */
#define SD_NO_SLEEP 0

void sd_poll_busy(struct sdev *d, void __iomem *reg)
{
	u32 val;

	spin_lock(&d->lock);
	readl_poll_timeout(reg, val, val & 1, 0, 100);
	readl_relaxed_poll_timeout(reg, val, val & 1, SD_NO_SLEEP, 100);
	read_poll_timeout(readl, val, val & 1, 0, 100, false, reg);
	readl_poll_timeout_atomic(reg, val, val & 1, 5, 100);
	spin_unlock(&d->lock);
}

static int sd_poll(void __iomem *reg, unsigned long sleep_us)
{
	u32 val;

	return readx_poll_timeout(readl, reg, val, val & 1, sleep_us, 1000);
}

void sd_poll_locked(struct sdev *d, void __iomem *reg)
{
	spin_lock(&d->lock);
	sd_poll(reg, 0);
	spin_unlock(&d->lock);
}
