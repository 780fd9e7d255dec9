/* The clock framework's prepare and unprepare take its prepare mutex and may call a
 * sleeping `prepare` op: clk_prepare_enable()/clk_disable_unprepare() under a spinlock or
 * from a hard-IRQ handler sleep; clk_enable()/clk_disable() are the atomic halves. */
#include <linux/clk.h>
#include <linux/interrupt.h>

struct cg_dev {
	spinlock_t lock;
	struct clk *clk;
	int on;
};

static void cg_clock_off(struct cg_dev *d)
{
	clk_disable_unprepare(d->clk); /* expect: atomic-sleeping-call */
}

void cg_set_power(struct cg_dev *d, int on)
{
	unsigned long flags;

	spin_lock_irqsave(&d->lock, flags);
	if (on)
		clk_prepare_enable(d->clk); /* expect: atomic-sleeping-call */
	else
		cg_clock_off(d);
	d->on = on;
	spin_unlock_irqrestore(&d->lock, flags);
}

/* The atomic halves under the lock, the sleeping halves outside it: fine. */
void cg_set_power_right(struct cg_dev *d, int on)
{
	unsigned long flags;

	if (on)
		clk_prepare(d->clk);
	spin_lock_irqsave(&d->lock, flags);
	if (on)
		clk_enable(d->clk);
	else
		clk_disable(d->clk);
	d->on = on;
	spin_unlock_irqrestore(&d->lock, flags);
	if (!on)
		clk_unprepare(d->clk);
}
