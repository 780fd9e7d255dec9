/* memdup_user() and friends return kmalloc (or kvmalloc) memory. */
int set_attr(struct attr_dev *d, const void __user *ubuf, size_t len)
{
	struct attr_args args;
	void *copy;

	args.value = memdup_user(ubuf, len);
	copy = vmemdup_user(ubuf, len);
	attr_apply(d, &args, copy);
	kfree(args.value);
	vfree(copy); /* expect: alloc-free-mismatch */
	return 0;
}

/* Another function's local `args.value` is another object. */
int set_acl(struct attr_dev *d)
{
	struct attr_args args;

	args.value = kvzalloc(d->len, GFP_KERNEL);
	attr_apply(d, &args, NULL);
	kvfree(args.value);
	return 0;
}

int get_attr(struct attr_dev *d)
{
	struct attr_args args;

	attr_lookup(d, &args);
	kfree(args.value);
	return 0;
}

/* kvmalloc() of at most a page is always kmalloc memory. */
void small_table(struct attr_dev *d)
{
	u32 *t = kvmalloc(512, GFP_KERNEL);

	attr_fill(d, t);
	kfree(t);
}

void big_table(struct attr_dev *d)
{
	u32 *t = kvmalloc(65536, GFP_KERNEL);

	attr_fill(d, t);
	kfree(t); /* expect: alloc-free-mismatch */
}
