/* Value dispatch through a field of a pointer parameter: the callee tests
 * `cmd->flags`, and the caller builds the command in a local struct with a brace
 * initializer. A caller under a lock that asks for the asynchronous path does not
 * sleep; one that asks for the synchronous path does (see field_dispatch_fires.c). */
#define XC_ASYNC 0x1
#define XC_WANT_REPLY 0x2

struct xc_cmd {
	int id;
	u32 flags;
	const void *data;
};

struct xc_dev {
	spinlock_t lock;
	int pending;
};

static int xc_send_sync(struct xc_dev *d, struct xc_cmd *cmd)
{
	d->pending = cmd->id;
	msleep(10);
	return 0;
}

static int xc_send_async(struct xc_dev *d, struct xc_cmd *cmd)
{
	d->pending = cmd->id;
	return 0;
}

static int xc_send(struct xc_dev *d, struct xc_cmd *cmd)
{
	if (cmd->flags & XC_ASYNC)
		return xc_send_async(d, cmd);
	return xc_send_sync(d, cmd);
}

/* The flags come from the caller's parameter; a sync request adds a bit that
 * does not change the dispatch. */
static int xc_add(struct xc_dev *d, int id, u8 flags)
{
	struct xc_cmd cmd = {
		.id = id,
		.flags = flags,
	};

	if (!(flags & XC_ASYNC))
		cmd.flags |= XC_WANT_REPLY;
	return xc_send(d, &cmd);
}

/* A constant in the initializer. */
static int xc_poke(struct xc_dev *d)
{
	struct xc_cmd cmd = { .id = 7, .flags = XC_ASYNC };

	return xc_send(d, &cmd);
}

void xc_update_locked(struct xc_dev *d)
{
	spin_lock(&d->lock);
	xc_add(d, 1, XC_ASYNC);
	xc_poke(d);
	spin_unlock(&d->lock);
}

void xc_update(struct xc_dev *d)
{
	xc_add(d, 2, 0);
}

/* A field of the caller's object passed on: the callee allocates only when it is
 * given a table, and the caller's initializer names none (fields it does not name
 * are zero). */
struct mx_attr {
	int type;
};

struct mx_cfg {
	int table;
	struct mx_attr *mx;
	int mx_len;
};

struct mx_metrics {
	int m[16];
};

struct mx_route {
	struct mx_metrics *metrics;
};

struct mx_dev {
	rwlock_t lock;
};

static struct mx_metrics mx_default;

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
	rt->metrics = mx_metrics_init(cfg->mx, cfg->mx_len);
	return rt;
}

struct mx_route *mx_local_alloc(struct mx_dev *dev, bool anycast, gfp_t gfp)
{
	struct mx_cfg cfg = {
		.table = 1,
		.mx_len = 0,
	};

	if (anycast)
		cfg.table = 2;
	return mx_route_create(&cfg, gfp);
}

void mx_dev_add(struct mx_dev *dev)
{
	write_lock_bh(&dev->lock);
	mx_local_alloc(dev, false, GFP_ATOMIC);
	write_unlock_bh(&dev->lock);
}

/* A zero-filled command whose opcode is set before the call, other members
 * written and their addresses taken: the opcode the callee tests is still known. */
#define OC_SET_LIST 3
#define OC_RESET 4

struct oc_cmd {
	int op;
	int arg;
	u64 data[4];
};

static int oc_exec_wait(struct xc_dev *d, struct oc_cmd *cmd)
{
	d->pending = cmd->arg;
	msleep(5);
	return 0;
}

static int oc_exec(struct xc_dev *d, struct oc_cmd *cmd)
{
	switch (cmd->op) {
	case OC_SET_LIST:
		/* the caller holds a lock: no waiting */
		return 0;
	}
	return oc_exec_wait(d, cmd);
}

void oc_fill(u64 *data, int n);

void oc_set_list_locked(struct xc_dev *d, int n)
{
	struct oc_cmd cmd = { 0 };

	cmd.op = OC_SET_LIST;
	cmd.arg = n;
	oc_fill(&cmd.data[0], n);
	spin_lock(&d->lock);
	oc_exec(d, &cmd);
	spin_unlock(&d->lock);
}

void oc_reset(struct xc_dev *d)
{
	struct oc_cmd cmd = { .op = OC_RESET };

	oc_exec(d, &cmd);
}
