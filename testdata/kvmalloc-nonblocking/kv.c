int tbl_grow(struct tbl *t, size_t n, gfp_t gfp)
{
	t->a = kvmalloc(SZ_64K, GFP_ATOMIC); /* expect: kvmalloc-nonblocking */
	t->b = kvzalloc(n, GFP_NOWAIT); /* expect: kvmalloc-nonblocking */
	t->c = kvcalloc(n, sizeof(*t->c), GFP_ATOMIC | __GFP_NOWARN); /* expect: kvmalloc-nonblocking */
	/* May sleep: the vmalloc fallback works. */
	t->d = kvmalloc(SZ_64K, GFP_KERNEL);
	/* Up to a page kvmalloc never falls back anyway. */
	t->e = kvmalloc(256, GFP_ATOMIC);
	/* Flags from the caller: unknown. */
	t->f = kvmalloc(SZ_64K, gfp);
	return 0;
}
