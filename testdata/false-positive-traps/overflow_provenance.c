/* alloc-size-overflow judges a factor by where its values come from, not only by its
 * declared type: each bounded shape below has an unbounded twin that still fires. */
struct mode {
	u16 hdisplay;
	u32 clock;
	u64 total;
};

struct screen {
	struct mode mode;
	struct mode *cur;
	void *line;
	void *map;
	void *tbl;
	void *ids;
};

#define PER_BLOCK 64

/* A size_t local assigned a 16-bit field: at most 2^16 * 8. A 64-bit field is the
 * function's own state, not an input: alloc-size-arith's (reviews found such values
 * bounded in practice). A parameter nobody bounds is an input: the twin. */
int screen_line(struct screen *s, size_t len)
{
	size_t width = s->cur->hdisplay;
	size_t wide = s->cur->total;
	size_t asked = len;

	s->line = kvmalloc(width * sizeof(u64), GFP_KERNEL);
	s->map = kvmalloc(wide * sizeof(u64), GFP_KERNEL);
	s->tbl = kvmalloc(asked * sizeof(u64), GFP_KERNEL); /* expect: alloc-size-overflow */
	return 0;
}

/* A division of a 32-bit value, a mask, a min() with a constant. */
int screen_tables(struct screen *s, u32 group, unsigned long raw, unsigned long len)
{
	unsigned long blocks = group / PER_BLOCK;
	unsigned long masked = raw & 0x7ff;
	unsigned long capped = min(len, 4096UL);
	unsigned long free_run = raw;

	s->tbl = kmalloc((blocks + 1) * sizeof(void *), GFP_KERNEL);
	s->ids = kmalloc(masked * sizeof(u64), GFP_KERNEL);
	s->map = kmalloc(capped * sizeof(u64), GFP_KERNEL);
	s->line = kmalloc(free_run * sizeof(u64), GFP_KERNEL); /* expect: alloc-size-overflow */
	return 0;
}

/* Written through a pointer: any value, whatever it was initialised to. */
int screen_parse(struct screen *s, const char *buf)
{
	unsigned long n = 16;

	if (kstrtoul(buf, 0, &n))
		return -EINVAL;
	s->tbl = kmalloc(n * sizeof(u64), GFP_KERNEL); /* expect: alloc-size-overflow */
	return 0;
}

/* A parameter every caller of the run passes a small constant for. */
static int read_ids(struct screen *s, unsigned int len)
{
	s->ids = kzalloc(len * 2, GFP_KERNEL);
	return 0;
}

/* The same shape, with one caller passing a value the run cannot bound. */
static int read_more(struct screen *s, unsigned int len)
{
	s->ids = kzalloc(len * 2, GFP_KERNEL); /* expect: alloc-size-overflow */
	return 0;
}

int screen_probe(struct screen *s, unsigned int user_len)
{
	read_ids(s, 2);
	read_ids(s, 8);
	read_more(s, 8);
	read_more(s, user_len);
	return 0;
}

/* An ARRAY_SIZE() the evaluator cannot count, and callers passing sizeof() of their
 * own buffers: object sizes, far below 2^32. */
static const int screen_caps[] = { 1, 2, 3 };

static int read_id(struct screen *s, size_t len)
{
	s->ids = kzalloc(len * sizeof(u64), GFP_KERNEL);
	return 0;
}

int screen_caps_init(struct screen *s, size_t user_len)
{
	size_t n = ARRAY_SIZE(screen_caps);
	size_t m = user_len;
	u8 id[8];

	s->tbl = kzalloc(sizeof(u64) * n, GFP_KERNEL);
	s->map = kzalloc(sizeof(u64) * m, GFP_KERNEL); /* expect: alloc-size-overflow */
	read_id(s, sizeof(id));
	return 0;
}

/* A count summed in the function (`+=`) is computed here, not an input: the style
 * lint's. The same sum started from a value read through a pointer is an input. */
int screen_ports(struct screen *s, unsigned long mask, const unsigned long *tdm)
{
	size_t count = hweight_long(mask);
	size_t read_count;

	count += hweight_long(tdm[0]);
	s->tbl = kzalloc(sizeof(u64) * count, GFP_KERNEL);
	if (get_user(read_count, tdm))
		return -EFAULT;
	if (copy_from_user(&read_count, tdm, sizeof(read_count)))
		return -EFAULT;
	read_count += 1;
	s->map = kzalloc(sizeof(u64) * read_count, GFP_KERNEL); /* expect: alloc-size-overflow */
	return 0;
}
