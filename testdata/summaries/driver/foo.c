/* A driver checked with the summaries of ../kernel/ (see tests/fixtures.rs). */
#include <linux/regulator.h>

struct foo {
	spinlock_t lock;
	struct regulator *vdd;
	void *buf;
	struct pci_dev *pdev;
};

/* The summarised API is reached through a driver helper: the finding is at the
 * call, with the chain inside the kernel in its message. */
static void foo_power_on(struct foo *f)
{
	regulator_enable(f->vdd); /* expect: atomic-sleeping-call */
}

static void foo_settle(struct foo *f, int may_sleep)
{
	clk_settle(f->vdd, may_sleep);
}

void mini_driver_helper(struct regulator *r)
{
}

void foo_reset(struct foo *f)
{
	spin_lock(&f->lock);
	foo_power_on(f);
	clk_settle(f->vdd, 0);
	clk_settle(f->vdd, 1); /* expect: atomic-sleeping-call */
	foo_settle(f, 0);
	f->buf = mini_buf_alloc(64, GFP_ATOMIC);
	mini_notify(f->vdd);
	mini_run_ops(f->vdd);
	mini_wait_if_allowed(f->vdd);
	mini_driver_helper(f->vdd);
	pcim_iomap_table(f->pdev);
	kfree(f->buf);
	mini_get_sync(f->vdd); /* expect: atomic-sleeping-call */
	msleep(1); /* expect: atomic-sleeping-call */
	spin_unlock(&f->lock);
}

void foo_lock_paths(struct foo *f)
{
	spin_lock(&f->lock);
	mini_lock_if_busy(f->vdd);
	mini_lock_always(f->vdd); /* expect: atomic-sleeping-call */
	spin_unlock(&f->lock);
}

/* Memory from the kernel's allocator wrappers, freed by the wrong family's free, and
 * the kernel's free wrapper given the wrong family's memory. */
void foo_buffers(struct foo *f, unsigned long n)
{
	void *a = mini_vbuf_checked(n);
	void *b = mini_any_buf(n);
	void *c = mini_inner_buf(n);
	void *d = kmalloc(n, GFP_KERNEL);
	void *e = mini_vbuf(n);

	kfree(a); /* expect: alloc-free-mismatch */
	kfree(b);
	kfree(c);
	mini_vbuf_free(d); /* expect: alloc-free-mismatch */
	mini_vbuf_free(e);
}
