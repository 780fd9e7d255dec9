/* Positive twins of written_fields.c: the helper the object is given to writes the
 * field passed on afterwards, or hands the object to a function the run does not
 * define. */
struct nx_attr { int type; };
struct nx_cfg { int table; struct nx_attr *mx; int mx_len; int nh; };
struct nx_metrics { int m[16]; };
struct nx_dev { rwlock_t lock; };
static struct nx_metrics nx_default;
static struct nx_attr nx_table[4];

/* Fills the table in: the field passed on afterwards is not the caller's. */
static int nx_fill(struct nx_cfg *cfg) { cfg->mx = nx_table; return 0; }
/* Hands it on to a function the run does not define. */
static int nx_fill_ext(struct nx_cfg *cfg) { return nx_external(cfg); }

static struct nx_metrics *nx_metrics_init(struct nx_attr *mx, int len)
{
	if (!mx)
		return &nx_default;
	return kzalloc(sizeof(struct nx_metrics), GFP_KERNEL); /* expect: atomic-sleeping-gfp */
}

static struct nx_metrics *nx_metrics_init2(struct nx_attr *mx, int len)
{
	if (!mx)
		return &nx_default;
	return kzalloc(sizeof(struct nx_metrics), GFP_KERNEL); /* expect: atomic-sleeping-gfp */
}

static struct nx_metrics *nx_create(struct nx_cfg *cfg)
{
	if (cfg->nh)
		nx_fill(cfg);
	return nx_metrics_init(cfg->mx, cfg->mx_len);
}

static struct nx_metrics *nx_create2(struct nx_cfg *cfg)
{
	if (cfg->nh)
		nx_fill_ext(cfg);
	return nx_metrics_init2(cfg->mx, cfg->mx_len);
}

void nx_alloc(struct nx_dev *dev)
{
	struct nx_cfg cfg = { .table = 1, .nh = 1 };

	write_lock_bh(&dev->lock);
	nx_create(&cfg);
	nx_create2(&cfg);
	write_unlock_bh(&dev->lock);
}

/* Twin: the pointer kept is to `waiting` itself. */
struct mq_req { int cmd; int waiting; };
struct mq_dev { spinlock_t lock; };

static void mq_run(struct mq_req *req)
{
	int *w = &req->waiting;

	*w = 1;
	if (req->waiting)
		msleep(1); /* expect: atomic-sleeping-call */
}

void mq_submit(struct mq_dev *dev)
{
	struct mq_req req = { .waiting = 0 };

	spin_lock(&dev->lock);
	mq_run(&req);
	spin_unlock(&dev->lock);
}
