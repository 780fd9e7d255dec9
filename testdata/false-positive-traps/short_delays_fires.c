/* Positive twins of short_delays.c: `fsleep()` above 10 µs sleeps (usleep_range() or
 * msleep()). */
#define LONG_POLL_US 100

struct sdf {
	spinlock_t lock;
	int (*ready)(struct sdf *d);
};

void sdf_literal(struct sdf *d)
{
	spin_lock(&d->lock);
	fsleep(11); /* expect: atomic-sleeping-call */
	spin_unlock(&d->lock);
}

void sdf_named(struct sdf *d)
{
	spin_lock(&d->lock);
	fsleep(LONG_POLL_US); /* expect: atomic-sleeping-call */
	spin_unlock(&d->lock);
}

static int sdf_wait(struct sdf *d, unsigned long usecs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (d->ready(d))
			return 0;
		fsleep(usecs); /* expect: atomic-sleeping-call */
	}
	return -1;
}

static int sdf_wait_long(struct sdf *d, unsigned long us, int n)
{
	return sdf_wait(d, us, n);
}

void sdf_counters(struct sdf *d)
{
	spin_lock(&d->lock);
	sdf_wait_long(d, 25, 1000);
	spin_unlock(&d->lock);
}

/* A delay computed here: not known to be short. */
void sdf_computed(struct sdf *d, int n)
{
	spin_lock(&d->lock);
	fsleep(n * 2); /* expect: atomic-sleeping-call */
	spin_unlock(&d->lock);
}

/* The iopoll macros with a non-zero sleep/delay sleep between reads. */
#define SDF_POLL_US 10

void sdf_poll(struct sdf *d, void __iomem *reg)
{
	u32 val;

	spin_lock(&d->lock);
	readl_poll_timeout(reg, val, val & 1, SDF_POLL_US, 100); /* expect: atomic-sleeping-call */
	spin_unlock(&d->lock);
}

static int sdf_poll_helper(void __iomem *reg, unsigned long sleep_us)
{
	u32 val;

	return readx_poll_timeout(readl, reg, val, val & 1, sleep_us, 1000); /* expect: atomic-sleeping-call */
}

void sdf_poll_locked(struct sdf *d, void __iomem *reg)
{
	spin_lock(&d->lock);
	sdf_poll_helper(reg, 20);
	spin_unlock(&d->lock);
}
