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
