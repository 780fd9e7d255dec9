/* Miniature regulator core (written for the summaries fixture). */
#include <linux/regulator.h>

struct regulator_dev {
	struct mutex lock;
	spinlock_t slock;
	unsigned int delay;
	void (*cb)(void);
};

struct regulator {
	struct regulator_dev *rdev;
};

static int _regulator_do_enable(struct regulator_dev *rdev)
{
	usleep_range(rdev->delay, rdev->delay + 100);
	return 0;
}

static int _regulator_enable(struct regulator_dev *rdev)
{
	return _regulator_do_enable(rdev);
}

int regulator_enable(struct regulator *r)
{
	return _regulator_enable(r->rdev);
}
EXPORT_SYMBOL_GPL(regulator_enable);

/* Sleeps only when asked to. */
int clk_settle(struct regulator *r, int can_sleep)
{
	if (can_sleep)
		msleep(1);
	else
		udelay(10);
	return 0;
}
EXPORT_SYMBOL_GPL(clk_settle);

/* A gfp_t wrapper: sleeps only with sleeping flags. */
void *mini_buf_alloc(unsigned int len, gfp_t gfp)
{
	return kmalloc(len, gfp);
}
EXPORT_SYMBOL(mini_buf_alloc);

/* Takes only a spinlock. */
void mini_notify(struct regulator *r)
{
	spin_lock(&r->rdev->slock);
	r->rdev->delay = 0;
	spin_unlock(&r->rdev->slock);
}
EXPORT_SYMBOL(mini_notify);

/* Calls through a pointer: unknown, so not sleeping. */
void mini_run_ops(struct regulator *r)
{
	r->rdev->cb();
}
EXPORT_SYMBOL(mini_run_ops);

/* Sleeps only where the context allows it. */
int mini_wait_if_allowed(struct regulator *r)
{
	if (!in_atomic())
		msleep(1);
	return 0;
}
EXPORT_SYMBOL(mini_wait_if_allowed);

/* The driver defines its own function of this name: its body wins. */
void mini_driver_helper(struct regulator *r)
{
	mutex_lock(&r->rdev->lock);
	mutex_unlock(&r->rdev->lock);
}
EXPORT_SYMBOL(mini_driver_helper);

/* Drops the caller's lock to wait (the unlock-sleep-relock idiom). */
static int mini_rpm_resume(struct regulator_dev *rdev, int flags)
{
	spin_unlock(&rdev->slock);
	msleep(1);
	spin_lock(&rdev->slock);
	return 0;
}

/* Sleeps although the only sleeping call is made with its own lock held: the callee
 * drops that lock to wait. */
int mini_get_sync(struct regulator *r)
{
	int ret;

	spin_lock(&r->rdev->slock);
	ret = mini_rpm_resume(r->rdev, 0);
	spin_unlock(&r->rdev->slock);
	return ret;
}
EXPORT_SYMBOL(mini_get_sync);

/* Sleeps only when a state test fails (the lock is contended): a conditional call,
 * which a summary does not follow, so calling this in atomic context is silent. */
void mini_lock_if_busy(struct regulator *r)
{
	if (!mutex_trylock(&r->rdev->lock))
		mutex_lock(&r->rdev->lock);
	mutex_unlock(&r->rdev->lock);
}
EXPORT_SYMBOL(mini_lock_if_busy);

/* Its twin: the same lock taken on the normal path (after an early error return). */
void mini_lock_always(struct regulator *r)
{
	if (!r)
		return;
	mutex_lock(&r->rdev->lock);
	mutex_unlock(&r->rdev->lock);
}
EXPORT_SYMBOL(mini_lock_always);
