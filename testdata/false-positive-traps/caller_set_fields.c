/* What the caller set or tested of an object before handing it on: a timeout handler
 * sets its private struct's `in_timeout` under the lock before re-initialising the
 * chip, and the helpers wait with mdelay() then (they take the mutex and msleep() only
 * when it is clear); a tasklet loops while a reset bit is set and the check it calls
 * skips its first sleeping part for that bit (the sleep after the label is reported).
 * Twins: caller_set_fields_fires.c. */
#define PD_TYPE_B 2
#define PF_RESET 3
#define PF_POWER 4

struct pd_board {
	spinlock_t lock;
	struct mutex addr_lock;
	unsigned int in_timeout:1;
	unsigned int in_suspend:1;
	int type;
	void __iomem *io;
};

#define pd_dbg(db, lev, msg...) do {			\
	if ((lev) > 2)					\
		dev_dbg(db->dev, msg);			\
} while (0)

static void pd_iow(struct pd_board *db, int reg, int val)
{
	writeb(reg, db->io);
	writeb(val, db->io + 4);
}

static void pd_msleep(struct pd_board *db, unsigned int ms)
{
	if (db->in_suspend || db->in_timeout)
		mdelay(ms);
	else
		msleep(ms);
}

static void pd_phy_write(struct net_device *dev, int reg, int value)
{
	struct pd_board *db = netdev_priv(dev);
	unsigned long flags;

	pd_dbg(db, 5, "phy_write %d\n", reg);
	if (!db->in_timeout)
		mutex_lock(&db->addr_lock);
	spin_lock_irqsave(&db->lock, flags);
	pd_iow(db, 1, reg);
	pd_iow(db, 2, value);
	spin_unlock_irqrestore(&db->lock, flags);
	pd_msleep(db, 1);
	if (!db->in_timeout)
		mutex_unlock(&db->addr_lock);
}

static void pd_init_chip(struct net_device *dev)
{
	struct pd_board *db = netdev_priv(dev);

	pd_iow(db, 3, 0);
	if (db->type == PD_TYPE_B)
		pd_phy_write(dev, 0, 1);
}

void pd_timeout(struct net_device *dev, unsigned int txqueue)
{
	struct pd_board *db = netdev_priv(dev);
	unsigned long flags;

	spin_lock_irqsave(&db->lock, flags);
	db->in_timeout = 1;
	netif_stop_queue(dev);
	pd_init_chip(dev);
	netif_wake_queue(dev);
	db->in_timeout = 0;
	spin_unlock_irqrestore(&db->lock, flags);
}

struct pf_adapter {
	unsigned long flags;
	atomic_t dis_ints;
	void __iomem *regs;
};

static inline void pf_write_reg(struct pf_adapter *a, u32 reg, u32 val)
{
	writel(val, a->regs + reg);
}

static void pf_disable_ints(struct pf_adapter *a)
{
	if (atomic_inc_return(&a->dis_ints) > 1)
		return;
	pf_write_reg(a, 0x10, 0);
}

static bool pf_check(struct pf_adapter *a)
{
	if (test_bit(PF_RESET, &a->flags))
		goto skip;
	msleep(10);
skip:
	/* Reached whatever the bit: this one is real. */
	msleep(20); /* expect: atomic-sleeping-call */
	return true;
}

static void pf_reset_tasklet_body(struct pf_adapter *a)
{
	while (test_bit(PF_RESET, &a->flags)) {
		if (!test_bit(PF_POWER, &a->flags))
			pf_disable_ints(a);
		pf_check(a);
		clear_bit(PF_RESET, &a->flags);
	}
}

static void pf_tasklet(unsigned long context)
{
	pf_reset_tasklet_body((struct pf_adapter *)context);
}

void pf_setup(struct pf_adapter *a, struct tasklet_struct *pt)
{
	tasklet_init(pt, pf_tasklet, (unsigned long)a);
}
