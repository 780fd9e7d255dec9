/* A run over the kernel's own sources sees the bodies of the APIs it knows. The slab
 * free below stands for mm/slub.c's kfree(), whose accounting and debug hooks can look
 * like a sleeping path to the resolver: `lints/api.toml` says kfree() never sleeps
 * (`[never_sleeps]`), so freeing under a spinlock is not a finding inside it. The same
 * body under another name is taken at its word and reported. */
#include <linux/spinlock.h>
#include <linux/slab.h>

struct ns_dev {
	spinlock_t lock;
	void *buf;
};

static void ns_account_free(const void *p)
{
	might_sleep();
}

void kfree(const void *p)
{
	ns_account_free(p);
}

static void ns_account_release(const void *p)
{
	might_sleep(); /* expect: atomic-sleeping-call */
}

void ns_release(const void *p)
{
	ns_account_release(p);
}

void ns_drop(struct ns_dev *d)
{
	spin_lock(&d->lock);
	kfree(d->buf);
	ns_release(d->buf);
	d->buf = NULL;
	spin_unlock(&d->lock);
}
