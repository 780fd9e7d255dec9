/* Each way a freed pointer is traced back to its allocation. */
struct pg_priv {
	unsigned long pages;	/* a page address kept as an integer */
	void *table;
	char *label;
};

/* The result cast on its way into a pointer. */
void cast_in(void)
{
	void *buf = (void *)__get_free_page(GFP_KERNEL);

	kfree(buf); /* expect: alloc-free-mismatch */
}

void cast_in_right(void)
{
	void *buf = (void *)__get_free_page(GFP_KERNEL);

	free_page((unsigned long)buf);
}

/* Copies made by the kmemdup()/kstrdup() families are slab memory. */
void copies(const void *src, size_t n, const char *s)
{
	void *p = kmemdup(src, n, GFP_KERNEL);
	char *c = kstrdup(s, GFP_KERNEL);

	vfree(p); /* expect: alloc-free-mismatch */
	vfree(c); /* expect: alloc-free-mismatch */
}

void copies_right(const void *src, size_t n, const char *s)
{
	void *p = kmemdup(src, n, GFP_KERNEL);
	char *c = kstrdup(s, GFP_KERNEL);

	kfree(p);
	kfree(c);
}

/* A page address stored in an integer field in one function, freed through a cast in
 * another. */
void pages_setup(struct pg_priv *priv)
{
	priv->pages = __get_free_pages(GFP_KERNEL, 2);
	priv->table = vzalloc(65536);
}

void pages_teardown(struct pg_priv *priv)
{
	kfree((void *)priv->pages); /* expect: alloc-free-mismatch */
	kfree(priv->table); /* expect: alloc-free-mismatch */
}
