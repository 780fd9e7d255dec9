struct foo_priv {
	void *buf;
	u32 *table;
	void *log;
};
