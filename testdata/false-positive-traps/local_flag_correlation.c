/* A local flag that records which branch released a section (issue 10, pattern 3):
 * `unmap = true` is set only on the branch that already left the RCU section, so
 * `if (unmap) iounmap(); else rcu_read_unlock();` does not call iounmap() under it.
 * The positive twins: the flag is set on a branch that keeps the section, or it is
 * given a value that is not a constant. */
struct lf {
	unsigned long phys;
	int mode;
};

void *lf_lookup(struct lf *d);

int lf_write_neg(struct lf *d, u32 v)
{
	void *va;
	bool unmap = false;

	rcu_read_lock();
	va = lf_lookup(d);
	if (!va) {
		rcu_read_unlock();
		va = ioremap(d->phys, 4);
		if (!va)
			return -ENOMEM;
		unmap = true;
	}
	writel(v, va);
	if (unmap)
		iounmap(va);
	else
		rcu_read_unlock();
	return 0;
}

int lf_kept_pos(struct lf *d, u32 v)
{
	void *va;
	bool unmap = false;

	rcu_read_lock();
	va = lf_lookup(d);
	if (!va) {
		unmap = true;
	}
	if (unmap)
		iounmap(va); /* expect: atomic-sleeping-call */
	rcu_read_unlock();
	return 0;
}

int lf_unknown_pos(struct lf *d, u32 v)
{
	void *va;
	bool unmap = false;

	rcu_read_lock();
	va = lf_lookup(d);
	if (!va) {
		rcu_read_unlock();
		unmap = true;
	}
	unmap = d->mode;
	if (unmap)
		iounmap(va); /* expect: atomic-sleeping-call[warning] */
	else
		rcu_read_unlock();
	return 0;
}
