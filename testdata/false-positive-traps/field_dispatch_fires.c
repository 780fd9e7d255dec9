/* Positive twins of field_dispatch.c: the field test does not rule the sleep out
 * when the caller asks for it, when the object may have been changed before the
 * call (its address given to another function, a write through the parameter), or
 * when the field is not known. */
#define YC_ASYNC 0x1

struct yc_cmd {
	int id;
	u32 flags;
};

struct yc_dev {
	spinlock_t lock;
	int pending;
};

static int yc_send_sync(struct yc_dev *d, struct yc_cmd *cmd)
{
	d->pending = cmd->id;
	msleep(10); /* expect: atomic-sleeping-call */
	return 0;
}

static int yc_send(struct yc_dev *d, struct yc_cmd *cmd)
{
	if (cmd->flags & YC_ASYNC)
		return 0;
	return yc_send_sync(d, cmd);
}

static int yc_add(struct yc_dev *d, u8 flags)
{
	struct yc_cmd cmd = { .id = 1, .flags = flags };

	return yc_send(d, &cmd);
}

void yc_update_locked(struct yc_dev *d)
{
	spin_lock(&d->lock);
	yc_add(d, 0);
	spin_unlock(&d->lock);
}

/* The object's address escapes before the call: its flags are unknown there. */
void yc_prepare(struct yc_cmd *cmd);

static int zc_send_sync(struct yc_dev *d, struct yc_cmd *cmd)
{
	d->pending = cmd->id;
	msleep(20); /* expect: atomic-sleeping-call */
	return 0;
}

static int zc_send(struct yc_dev *d, struct yc_cmd *cmd)
{
	if (cmd->flags & YC_ASYNC)
		return 0;
	return zc_send_sync(d, cmd);
}

void zc_update_locked(struct yc_dev *d)
{
	struct yc_cmd cmd = { .id = 2, .flags = YC_ASYNC };

	spin_lock(&d->lock);
	yc_prepare(&cmd);
	zc_send(d, &cmd);
	spin_unlock(&d->lock);
}

/* The callee changes the object before it tests the field: the test says nothing
 * of what the caller passed. */
void wc_fixup(struct yc_cmd *cmd);

static int wc_send_sync(struct yc_dev *d, struct yc_cmd *cmd)
{
	d->pending = cmd->id;
	msleep(30); /* expect: atomic-sleeping-call */
	return 0;
}

static int wc_send(struct yc_dev *d, struct yc_cmd *cmd)
{
	wc_fixup(cmd);
	if (cmd->flags & YC_ASYNC)
		return 0;
	return wc_send_sync(d, cmd);
}

void wc_update_locked(struct yc_dev *d)
{
	struct yc_cmd cmd = { .id = 3, .flags = YC_ASYNC };

	spin_lock(&d->lock);
	wc_send(d, &cmd);
	spin_unlock(&d->lock);
}

/* A field passed on that the caller sets from its own argument. */
struct nx_attr {
	int type;
};

struct nx_cfg {
	int table;
	struct nx_attr *mx;
};

struct nx_metrics {
	int m[16];
};

struct nx_dev {
	rwlock_t lock;
};

static struct nx_metrics nx_default;

struct nx_metrics *nx_metrics_init(struct nx_attr *mx)
{
	if (!mx)
		return &nx_default;
	return kzalloc(sizeof(struct nx_metrics), GFP_KERNEL); /* expect: atomic-sleeping-gfp */
}

static struct nx_metrics *nx_route_create(struct nx_cfg *cfg)
{
	return nx_metrics_init(cfg->mx);
}

static struct nx_metrics *nx_local_alloc(struct nx_attr *attr)
{
	struct nx_cfg cfg = { .table = 1, .mx = attr };

	return nx_route_create(&cfg);
}

void nx_dev_add(struct nx_dev *dev, struct nx_attr *attr)
{
	write_lock_bh(&dev->lock);
	nx_local_alloc(attr);
	write_unlock_bh(&dev->lock);
}

/* Written through the parameter before it is passed on. */
struct nx_metrics *vx_metrics_init(struct nx_attr *mx)
{
	if (!mx)
		return &nx_default;
	return kzalloc(sizeof(struct nx_metrics), GFP_KERNEL); /* expect: atomic-sleeping-gfp */
}

static struct nx_metrics *vx_route_create(struct nx_cfg *cfg, struct nx_attr *attr)
{
	cfg->mx = attr;
	return vx_metrics_init(cfg->mx);
}

void vx_dev_add(struct nx_dev *dev, struct nx_attr *attr)
{
	struct nx_cfg cfg = { .table = 1 };

	write_lock_bh(&dev->lock);
	vx_route_create(&cfg, attr);
	write_unlock_bh(&dev->lock);
}

/* Called in a loop the object outlives: the callee may have changed it the time
 * before, so the initializer says nothing at the second call. */
static int lc_send_sync(struct yc_dev *d, struct yc_cmd *cmd)
{
	d->pending = cmd->id;
	msleep(40); /* expect: atomic-sleeping-call */
	return 0;
}

static int lc_send(struct yc_dev *d, struct yc_cmd *cmd)
{
	if (cmd->flags & YC_ASYNC)
		return 0;
	return lc_send_sync(d, cmd);
}

void lc_update_locked(struct yc_dev *d, int n)
{
	struct yc_cmd cmd = { .id = 4, .flags = YC_ASYNC };
	int i;

	spin_lock(&d->lock);
	for (i = 0; i < n; i++)
		lc_send(d, &cmd);
	spin_unlock(&d->lock);
}

/* A member written through a pointer to it, or as part of an enclosing member
 * (which may be a union): the field is unknown. */
struct uc_cmd {
	union {
		u32 raw;
		struct {
			u16 op;
			u16 flags;
		} s;
	} hdr;
	int id;
};

static int uc_send_sync(struct yc_dev *d, struct uc_cmd *cmd)
{
	d->pending = cmd->id;
	msleep(50); /* expect: atomic-sleeping-call */
	return 0;
}

static int uc_send(struct yc_dev *d, struct uc_cmd *cmd)
{
	if (cmd->hdr.s.flags & YC_ASYNC)
		return 0;
	return uc_send_sync(d, cmd);
}

void uc_update_locked(struct yc_dev *d, u32 raw)
{
	struct uc_cmd cmd = { .hdr.s.flags = YC_ASYNC, .id = 5 };

	cmd.hdr.raw = raw;
	spin_lock(&d->lock);
	uc_send(d, &cmd);
	spin_unlock(&d->lock);
}

static int pc_send_sync(struct yc_dev *d, struct yc_cmd *cmd)
{
	d->pending = cmd->id;
	msleep(60); /* expect: atomic-sleeping-call */
	return 0;
}

static int pc_send(struct yc_dev *d, struct yc_cmd *cmd)
{
	if (cmd->flags & YC_ASYNC)
		return 0;
	return pc_send_sync(d, cmd);
}

void yc_read_flags(u32 *flags);

void pc_update_locked(struct yc_dev *d)
{
	struct yc_cmd cmd = { .id = 6, .flags = YC_ASYNC };

	yc_read_flags(&cmd.flags);
	spin_lock(&d->lock);
	pc_send(d, &cmd);
	spin_unlock(&d->lock);
}

/* The opcode is set for certain, then changed on one path: either value may reach
 * the callee. */
#define QC_SET_LIST 3
#define QC_RESET 4

struct qc_cmd {
	int op;
	int arg;
};

static int qc_exec_wait(struct yc_dev *d, struct qc_cmd *cmd)
{
	d->pending = cmd->arg;
	msleep(70); /* expect: atomic-sleeping-call */
	return 0;
}

static int qc_exec(struct yc_dev *d, struct qc_cmd *cmd)
{
	switch (cmd->op) {
	case QC_SET_LIST:
		return 0;
	}
	return qc_exec_wait(d, cmd);
}

void qc_set_list_locked(struct yc_dev *d, int n)
{
	struct qc_cmd cmd = { 0 };

	cmd.op = QC_SET_LIST;
	cmd.arg = n;
	if (n > 4)
		cmd.op = QC_RESET;
	spin_lock(&d->lock);
	qc_exec(d, &cmd);
	spin_unlock(&d->lock);
}

/* Written through a copy of the pointer before the test. */
static int ac_send_sync(struct yc_dev *d, struct yc_cmd *cmd)
{
	d->pending = cmd->id;
	msleep(80); /* expect: atomic-sleeping-call */
	return 0;
}

static int ac_send(struct yc_dev *d, struct yc_cmd *cmd)
{
	struct yc_cmd *c = cmd;

	c->flags = 0;
	if (cmd->flags & YC_ASYNC)
		return 0;
	return ac_send_sync(d, cmd);
}

void ac_update_locked(struct yc_dev *d)
{
	struct yc_cmd cmd = { .id = 8, .flags = YC_ASYNC };

	spin_lock(&d->lock);
	ac_send(d, &cmd);
	spin_unlock(&d->lock);
}
