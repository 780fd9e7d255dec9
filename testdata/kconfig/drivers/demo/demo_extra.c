/* DEMO_EXTRA is not set in dot-config: this file is not built, and not checked. */
struct demo_extra {
	spinlock_t lock;
};

void demo_extra_wait(struct demo_extra *e)
{
	spin_lock(&e->lock);
	msleep(10);
	spin_unlock(&e->lock);
}
