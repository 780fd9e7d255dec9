/* Stores vmalloc memory into `data->table`; does not share a header with
 * other_driver.c. */
struct tbl_data { void *table; };

static int tbl_init(struct tbl_data *data, size_t n)
{
	data->table = vzalloc(n);
	return data->table ? 0 : -ENOMEM;
}

static void tbl_exit(struct tbl_data *data)
{
	vfree(data->table);
}
