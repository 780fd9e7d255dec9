/* Positive twins of caller_set_fields.c: the flag is set after the call, or cleared
 * again on the way (by a helper given the private struct, by a macro writing through
 * it, by an API the run does not define given the struct itself), or the bit the
 * caller tested is not the one the check skips on. */
#define QD_TYPE_B 2
#define QF_RESET 3
#define QF_POWER 4

struct qd_board {
	spinlock_t lock;
	struct mutex addr_lock;
	unsigned int in_timeout:1;
	int type;
};

#define qd_forget(db) ((db)->in_timeout = 0)

static void qd_phy_write1(struct net_device *dev, int reg)
{
	struct qd_board *db = netdev_priv(dev);

	if (!db->in_timeout)
		mutex_lock(&db->addr_lock); /* expect: atomic-sleeping-call */
	if (!db->in_timeout)
		mutex_unlock(&db->addr_lock);
}

static void qd_phy_write2(struct net_device *dev, int reg)
{
	struct qd_board *db = netdev_priv(dev);

	if (!db->in_timeout)
		mutex_lock(&db->addr_lock); /* expect: atomic-sleeping-call */
	if (!db->in_timeout)
		mutex_unlock(&db->addr_lock);
}

static void qd_phy_write3(struct net_device *dev, int reg)
{
	struct qd_board *db = netdev_priv(dev);

	if (!db->in_timeout)
		mutex_lock(&db->addr_lock); /* expect: atomic-sleeping-call */
	if (!db->in_timeout)
		mutex_unlock(&db->addr_lock);
}

static void qd_phy_write4(struct net_device *dev, int reg)
{
	struct qd_board *db = netdev_priv(dev);

	if (!db->in_timeout)
		mutex_lock(&db->addr_lock); /* expect: atomic-sleeping-call */
	if (!db->in_timeout)
		mutex_unlock(&db->addr_lock);
}

static void qd_clear(struct qd_board *db)
{
	db->in_timeout = 0;
}

/* Set after the call. */
void qd_timeout_late(struct net_device *dev)
{
	struct qd_board *db = netdev_priv(dev);
	unsigned long flags;

	spin_lock_irqsave(&db->lock, flags);
	qd_phy_write1(dev, 1);
	db->in_timeout = 1;
	db->in_timeout = 0;
	spin_unlock_irqrestore(&db->lock, flags);
}

/* Cleared again by a helper given the struct. */
void qd_timeout_cleared(struct net_device *dev)
{
	struct qd_board *db = netdev_priv(dev);
	unsigned long flags;

	spin_lock_irqsave(&db->lock, flags);
	db->in_timeout = 1;
	qd_clear(db);
	qd_phy_write2(dev, 2);
	spin_unlock_irqrestore(&db->lock, flags);
}

/* Cleared by a macro writing through it. */
void qd_timeout_macro(struct net_device *dev)
{
	struct qd_board *db = netdev_priv(dev);
	unsigned long flags;

	spin_lock_irqsave(&db->lock, flags);
	db->in_timeout = 1;
	qd_forget(db);
	qd_phy_write3(dev, 3);
	spin_unlock_irqrestore(&db->lock, flags);
}

/* The struct itself handed to a function the run does not define. */
void qd_timeout_api(struct net_device *dev)
{
	struct qd_board *db = netdev_priv(dev);
	unsigned long flags;

	spin_lock_irqsave(&db->lock, flags);
	db->in_timeout = 1;
	qd_external_reset(db);
	qd_phy_write4(dev, 4);
	spin_unlock_irqrestore(&db->lock, flags);
}

struct qf_adapter {
	unsigned long flags;
};

static void qf_ack(struct qf_adapter *a)
{
	clear_bit(QF_RESET, &a->flags);
}

static bool qf_check1(struct qf_adapter *a)
{
	if (test_bit(QF_RESET, &a->flags))
		return true;
	msleep(10); /* expect: atomic-sleeping-call */
	return false;
}

static bool qf_check2(struct qf_adapter *a)
{
	if (test_bit(QF_RESET, &a->flags))
		return true;
	msleep(10); /* expect: atomic-sleeping-call */
	return false;
}

/* The bit is cleared before the check. */
static void qf_reset_body(struct qf_adapter *a)
{
	while (test_bit(QF_RESET, &a->flags)) {
		qf_ack(a);
		qf_check1(a);
	}
}

/* Another bit tested. */
static void qf_power_body(struct qf_adapter *a)
{
	if (test_bit(QF_POWER, &a->flags))
		qf_check2(a);
}

static void qf_tasklet(unsigned long context)
{
	qf_reset_body((struct qf_adapter *)context);
	qf_power_body((struct qf_adapter *)context);
}

void qf_setup(struct qf_adapter *a, struct tasklet_struct *qt)
{
	tasklet_init(qt, qf_tasklet, (unsigned long)a);
}
