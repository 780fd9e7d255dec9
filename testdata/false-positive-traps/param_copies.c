/* A local that copies a parameter on one path and is set otherwise on the other,
 * tested later: `if (chan)` after `if (port || grp) chan = grp; else { … chan =
 * lookup; }`. Where `chan` is zero, `grp` is zero on every path (the copy, or the
 * `else` branch, which needs `grp == 0`), so a caller passing a non-zero `grp` never
 * reaches the sleeping branch. The local is also handed by name to a function of
 * this file (which cannot write it) before the test. Positive twins:
 * param_copies_fires.c. */
#define PC_CHAN_EVENTS 3

struct pc_dev {
	spinlock_t lock;
	struct mutex io;
	u32 table[8];
	u32 listeners;
};

static int pc_has_listeners(struct pc_dev *d, u32 chan)
{
	return d->listeners & (1U << chan);
}

static int pc_broadcast(struct pc_dev *d, u32 chan)
{
	return d->table[chan & 7];
}

static int pc_unicast(struct pc_dev *d, u32 port)
{
	mutex_lock(&d->io);
	d->table[port & 7] = 0;
	mutex_unlock(&d->io);
	return 0;
}

static int pc_send(struct pc_dev *d, u32 port, u32 grp)
{
	u32 chan = 0;

	if (port || grp) {
		chan = grp;
	} else {
		chan = d->table[0];
		if (!chan)
			return -1;
	}
	if (!port && !pc_has_listeners(d, chan))
		return -2;
	if (chan)
		return pc_broadcast(d, chan);
	return pc_unicast(d, port);
}

/* A non-zero group: broadcast, never the unicast that takes a mutex. */
void pc_notify(struct pc_dev *d)
{
	spin_lock(&d->lock);
	pc_send(d, 0, PC_CHAN_EVENTS);
	spin_unlock(&d->lock);
}

/* The copy into a `bool` keeps the truth value. */
static void pc_flush(struct pc_dev *d, int pending)
{
	bool busy = false;

	if (d->listeners)
		busy = pending;
	else if (pending)
		return;
	if (!busy)
		msleep(1);
}

void pc_tick(struct pc_dev *d)
{
	spin_lock(&d->lock);
	pc_flush(d, 1);
	spin_unlock(&d->lock);
}
