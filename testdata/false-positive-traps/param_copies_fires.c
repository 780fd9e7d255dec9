/* Positive twins of param_copies.c: a caller passing a zero group (the unicast is
 * reached), a local copied into a narrower type (zero where the parameter is not),
 * a local handed by name to a macro that may write it, and a local written again
 * after the copy. */
#define PF_CHAN_EVENTS 3
#define pf_refresh(d, v) ((v) = (d)->table[1])

struct pf_dev {
	spinlock_t lock;
	struct mutex io;
	u32 table[8];
	u32 listeners;
};

static int pf_has_listeners(struct pf_dev *d, u32 chan)
{
	return d->listeners & (1U << chan);
}

static int pf_broadcast(struct pf_dev *d, u32 chan)
{
	return d->table[chan & 7];
}

static int pf_unicast(struct pf_dev *d, u32 port)
{
	mutex_lock(&d->io); /* expect: atomic-sleeping-call */
	d->table[port & 7] = 0;
	mutex_unlock(&d->io);
	return 0;
}

static int pf_send(struct pf_dev *d, u32 port, u32 grp)
{
	u32 chan = 0;

	if (port || grp) {
		chan = grp;
	} else {
		chan = d->table[0];
		if (!chan)
			return -1;
	}
	if (!port && !pf_has_listeners(d, chan))
		return -2;
	if (chan)
		return pf_broadcast(d, chan);
	return pf_unicast(d, port);
}

/* A port and group 0: the copy is zero, so the unicast runs. */
void pf_reply(struct pf_dev *d)
{
	spin_lock(&d->lock);
	pf_send(d, 5, 0);
	spin_unlock(&d->lock);
}

/* `u8` keeps the low byte only: 256 copies to zero. */
static void pf_narrow(struct pf_dev *d, u32 grp)
{
	u8 low = 0;

	if (d->listeners)
		low = grp;
	else if (grp)
		return;
	if (!low)
		msleep(1); /* expect: atomic-sleeping-call */
}

void pf_narrow_caller(struct pf_dev *d)
{
	spin_lock(&d->lock);
	pf_narrow(d, 256);
	spin_unlock(&d->lock);
}

/* A macro given the local by name may write it: the copy says nothing after it. */
static void pf_macro(struct pf_dev *d, u32 grp)
{
	u32 chan = 0;

	if (d->listeners)
		chan = grp;
	else if (grp)
		return;
	pf_refresh(d, chan);
	if (!chan)
		msleep(2); /* expect: atomic-sleeping-call */
}

void pf_macro_caller(struct pf_dev *d)
{
	spin_lock(&d->lock);
	pf_macro(d, 1);
	spin_unlock(&d->lock);
}

/* Written again after the copy: its test is not the parameter's. */
static void pf_rewritten(struct pf_dev *d, u32 grp)
{
	u32 chan = grp;

	if (d->listeners)
		chan = d->table[2];
	if (!chan)
		msleep(3); /* expect: atomic-sleeping-call */
}

void pf_rewritten_caller(struct pf_dev *d)
{
	spin_lock(&d->lock);
	pf_rewritten(d, 1);
	spin_unlock(&d->lock);
}
