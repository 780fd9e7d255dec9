void local_pairs(size_t len, int big)
{
	void *buf, *p, *q, *k, *v, *x, *y, *obj;
	struct page *page;
	unsigned long addr;

	buf = vmalloc(len);
	kfree(buf); /* expect: alloc-free-mismatch */

	p = kmalloc(len, GFP_KERNEL);
	vfree(p); /* expect: alloc-free-mismatch */

	q = kvmalloc(len, GFP_KERNEL);
	kfree(q); /* expect: alloc-free-mismatch */

	page = alloc_pages(GFP_KERNEL, 2);
	kfree(page); /* expect: alloc-free-mismatch */

	addr = __get_free_pages(GFP_KERNEL, 1);
	vfree((void *)addr); /* expect: alloc-free-mismatch */

	/* Matching frees. */
	v = vzalloc(len);
	vfree(v);
	k = kzalloc(len, GFP_KERNEL);
	kvfree(k);
	obj = kmem_cache_alloc(cache, GFP_KERNEL);
	kfree(obj);
	free_pages(addr, 1);

	/* Two families in one variable: kvfree is right, kfree cannot be judged. */
	x = kmalloc(len, GFP_KERNEL | __GFP_NOWARN);
	if (!x)
		x = vmalloc(len);
	kvfree(x);
	y = kmalloc(len, GFP_KERNEL);
	if (!y)
		y = vmalloc(len);
	kfree(y);
}
