/* seed: gotos, switch, loops, preprocessor alternatives, annotations */
int __init __must_check thing_probe(struct thing __iomem *t) __must_hold(&t->lock)
{
	int i, err = 0;

	rcu_read_lock();
	for (i = 0; i < 4; i++) {
		switch (t->mode[i]) {
		case 0:
			continue;
		case 1:
			err = helper(t, GFP_ATOMIC);
			break;
		default:
			goto out;
		}
	}
#ifdef CONFIG_THING_EXTRA
	do {
		t->x = kmalloc(8, GFP_KERNEL);
	} while (!t->x);
#else
	t->x = NULL;
#endif
out:
	rcu_read_unlock();
	preempt_disable();
	t->y = vzalloc(t->len);
	preempt_enable();
	local_bh_disable();
	t->z = ops->alloc(t, GFP_USER);
	local_bh_enable();
	return err;
}
