/* Value dispatch through a field passed on after the object was given to program
 * functions that only read it (or write another member): the field is still what the
 * caller's initializer left, NULL, so no table is allocated. Twins:
 * written_fields_fires.c. */
struct mx_attr { int type; };
struct mx_cfg { int table; struct mx_attr *mx; int mx_len; int src; int nh; };
struct mx_metrics { int m[16]; };
struct mx_route { struct mx_metrics *metrics; };
struct mx_dev { rwlock_t lock; };
static struct mx_metrics mx_default;

static int mx_check_src(int *src) { return *src > 3; }
int mx_check_nh(int nh, struct mx_cfg *cfg) { return cfg && mx_check_src(&cfg->src); }

struct mx_metrics *mx_metrics_init(struct mx_attr *mx, int len)
{
	if (!mx)
		return &mx_default;
	return kzalloc(sizeof(struct mx_metrics), GFP_KERNEL);
}

static struct mx_route *mx_route_create(struct mx_cfg *cfg, gfp_t gfp)
{
	struct mx_route *rt = kzalloc(sizeof(*rt), gfp);

	if (!rt)
		return NULL;
	if (cfg->nh && mx_check_nh(cfg->nh, cfg))
		return NULL;
	rt->metrics = mx_metrics_init(cfg->mx, cfg->mx_len);
	return rt;
}

struct mx_route *mx_local_alloc(struct mx_dev *dev, gfp_t gfp)
{
	struct mx_cfg cfg = { .table = 1, .mx_len = 0 };
	struct mx_route *rt;

	write_lock_bh(&dev->lock);
	rt = mx_route_create(&cfg, GFP_ATOMIC);
	write_unlock_bh(&dev->lock);
	return rt;
}

/* A pointer to one member (`info = &req->info`) writes that member only: the
 * request's `waiting`, 0 in the caller's initializer, still decides the wait. */
struct mp_info { int cmd; int len; };
struct mp_req { struct mp_info info; int waiting; };
struct mp_dev { spinlock_t lock; };

static void mp_run(struct mp_req *req)
{
	struct mp_info *info = &req->info;

	info->cmd = 3;
	if (req->waiting)
		msleep(1);
}

void mp_submit(struct mp_dev *dev)
{
	struct mp_req req = { .waiting = 0 };

	spin_lock(&dev->lock);
	mp_run(&req);
	spin_unlock(&dev->lock);
}
