/* An unrelated driver in the same directory (no shared header): its `data->table`
 * is another struct's field, stored from a local. */
struct cpu_data { void *table; };

static int other_init(struct cpu_data *data, int count)
{
	void *table = kcalloc(count, 8, GFP_KERNEL);

	data->table = table;
	return 0;
}

static void other_exit(struct cpu_data *data)
{
	kfree(data->table);
}
