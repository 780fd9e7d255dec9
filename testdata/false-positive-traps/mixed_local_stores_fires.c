/* Positive twins of mixed_local_stores.c: every store into the local is an allocation
 * of one family (or NULL), so freeing it with another family's free is a mismatch. */
static void mf_load(unsigned long n, int big)
{
	unsigned char *data = NULL;

	if (big)
		data = vmalloc(n);
	else
		data = (unsigned char *)vzalloc(n);
	kfree(data); /* expect: alloc-free-mismatch */
}

static void mf_retry(unsigned long n)
{
	char *buf = vmalloc(n);

	if (!buf)
		buf = vmalloc(n / 2);
	kfree(buf); /* expect: alloc-free-mismatch */
}
