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

/* A file array of pointers: its length, counted from the initializer, in a member's
 * dimension (`ARRAY_SIZE()`) and in `sizeof()` of the array itself (4 * 8 = 32). */
static const char * const fv_supplies[] = { "vdd", "vddio", "vddlvds", "vref" };

/* A struct defined in the array's declaration: 2 * 8 = 16 bytes. */
static const struct fv_rate { u32 hz; u32 div; } fv_rates[] = { { 1, 2 }, { 3, 4 } };

struct fv_ctx {
	void *regs[ARRAY_SIZE(fv_supplies)][1024];
	int n;
};

void *fv_arrays(void)
{
	void *p;

	p = kzalloc(sizeof(struct fv_ctx), GFP_KERNEL); /* 32,776 bytes: order 4 */ /* expect: kmalloc-costly-order */
	p = kmalloc_array(2048, sizeof(fv_supplies), GFP_KERNEL); /* 65,536: order 4 */ /* expect: kmalloc-costly-order */
	p = kmalloc_array(1024, sizeof(fv_supplies), GFP_KERNEL); /* 32,768: order 3 */
	p = kmalloc_array(4096, sizeof(fv_rates), GFP_KERNEL); /* 65,536: order 4 */ /* expect: kmalloc-costly-order */
	p = kmalloc_array(2048, sizeof(fv_rates), GFP_KERNEL); /* 32,768: order 3 */
	return p;
}
