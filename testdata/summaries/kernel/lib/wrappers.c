/* Allocator and free wrappers (written for the summaries fixture): what each returns
 * or frees, through wrappers of wrappers, error pointers and casts. */

void *mini_vbuf(unsigned long n)
{
	return vzalloc(n);
}
EXPORT_SYMBOL(mini_vbuf);

/* A wrapper of a wrapper, with an error pointer and NULL on its other paths. */
void *mini_vbuf_checked(unsigned long n)
{
	void *p;

	if (n > 4096)
		return ERR_PTR(-EINVAL);
	p = mini_vbuf(n);
	if (!p)
		return NULL;
	return p;
}
EXPORT_SYMBOL(mini_vbuf_checked);

/* Returns memory of either family: not a wrapper of one. */
void *mini_any_buf(unsigned long n)
{
	if (n > 4096)
		return vzalloc(n);
	return kzalloc(n, GFP_KERNEL);
}
EXPORT_SYMBOL(mini_any_buf);

/* Returns a field of what it allocates: not the allocation. */
void *mini_inner_buf(unsigned long n)
{
	struct mini_box *b = kzalloc(sizeof(*b), GFP_KERNEL);

	return b->data;
}
EXPORT_SYMBOL(mini_inner_buf);

void mini_vbuf_free(const void *buf)
{
	if (buf)
		vfree((void *)buf);
}
EXPORT_SYMBOL(mini_vbuf_free);

/* Returns holding its parameter's lock: a lock fact through parameter 0. */
void mini_lock_dev(struct mini_dev *d)
{
	spin_lock(&d->slock);
}
EXPORT_SYMBOL(mini_lock_dev);
