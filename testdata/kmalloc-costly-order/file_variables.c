/* A file-scope variable types the size expression (`struct_size(clk_data, hws, n)` of a
 * static pointer); a parameter of the same name hides it. */
struct onecell {
	unsigned int num;
	void *hws[];
};

static struct onecell *clk_data;

void file_variable(void)
{
	/* 8 + 8,192 * 8 = 65,544 bytes: order 5. */
	clk_data = kzalloc(struct_size(clk_data, hws, 8192), GFP_KERNEL); /* expect: kmalloc-costly-order */
}

void shadowed(struct unknown_type *clk_data)
{
	/* The parameter's type is unknown: silent. */
	clk_data = kzalloc(sizeof(*clk_data) * 8192, GFP_KERNEL);
}
