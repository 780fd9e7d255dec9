/* Value-dependent dispatch (issue 10, pattern 1): an argument's value selects a
 * branch of the callee that does not sleep. Each negative (no finding) has a positive
 * twin of the same shape whose argument selects the sleeping branch. */
struct vd {
	spinlock_t lock;
	int state;
	void *buf;
};

enum vd_req { VD_GET_STATUS, VD_SET_FEATURE, VD_CLEAR_FEATURE };

#define VD_MODE_POLL 1
#define VD_MODE_WAIT 2
#define VD_F_ATOMIC 0x1
#define VD_F_SLEEP 0x4

/* switch on an enum parameter */
static int vd_ctrl_neg(struct vd *d, enum vd_req req)
{
	switch (req) {
	case VD_GET_STATUS:
		return d->state;
	case VD_SET_FEATURE:
		msleep(10);
		break;
	default:
		break;
	}
	return 0;
}

static int vd_ctrl_pos(struct vd *d, enum vd_req req)
{
	switch (req) {
	case VD_GET_STATUS:
		return d->state;
	case VD_SET_FEATURE:
		msleep(10); /* expect: atomic-sleeping-call */
		break;
	default:
		break;
	}
	return 0;
}

/* a case list falling through, and default */
static void vd_default_neg(struct vd *d, int req)
{
	switch (req) {
	case VD_GET_STATUS:
	case VD_CLEAR_FEATURE:
		d->state = 0;
		return;
	default:
		msleep(1);
	}
}

static void vd_default_pos(struct vd *d, int req)
{
	switch (req) {
	case VD_GET_STATUS:
	case VD_CLEAR_FEATURE:
		d->state = 0;
		return;
	default:
		msleep(1); /* expect: atomic-sleeping-call */
	}
}

/* equality with a #define, and the value passed down a second call */
static void vd_wait_neg(struct vd *d, int mode)
{
	if (mode == VD_MODE_WAIT)
		usleep_range(100, 200);
}

static void vd_wait_pos(struct vd *d, int mode)
{
	if (mode == VD_MODE_WAIT)
		usleep_range(100, 200); /* expect: atomic-sleeping-call */
}

static void vd_mode_neg(struct vd *d, int mode)
{
	d->state = mode;
	vd_wait_neg(d, mode);
}

static void vd_mode_pos(struct vd *d, int mode)
{
	d->state = mode;
	vd_wait_pos(d, mode);
}

/* a bit test of a flags argument */
static void vd_flags_neg(struct vd *d, unsigned int flags)
{
	if (flags & VD_F_SLEEP)
		msleep(5);
}

static void vd_flags_pos(struct vd *d, unsigned int flags)
{
	if (flags & VD_F_SLEEP)
		msleep(5); /* expect: atomic-sleeping-call */
}

/* a `bool atomic` parameter choosing the busy wait */
static void vd_delay_neg(bool atomic)
{
	if (atomic)
		udelay(10);
	else
		usleep_range(10, 20);
}

static void vd_delay_pos(bool atomic)
{
	if (atomic)
		udelay(10);
	else
		usleep_range(10, 20); /* expect: atomic-sleeping-call */
}

/* NULL vs non-NULL pointer argument */
static void vd_fill_neg(struct vd *d, void *out)
{
	if (!out)
		return;
	d->buf = kmalloc(64, GFP_KERNEL);
}

static void vd_fill_pos(struct vd *d, void *out)
{
	if (!out)
		return;
	d->buf = kmalloc(64, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
}

/* an error code that is never the one tested */
static void vd_retry_neg(struct vd *d, int err)
{
	if (err == -EAGAIN)
		msleep(20);
}

static void vd_retry_pos(struct vd *d, int err)
{
	if (err == -EAGAIN)
		msleep(20); /* expect: atomic-sleeping-call */
}

/* a range */
static void vd_level_neg(struct vd *d, int level)
{
	if (level > 3)
		msleep(2);
}

static void vd_level_pos(struct vd *d, int level)
{
	if (level > 3)
		msleep(2); /* expect: atomic-sleeping-call */
}

/* the value fixed by a test in the caller before the call */
static void vd_guarded_neg(struct vd *d, int mode)
{
	if (mode == VD_MODE_POLL)
		vd_wait_neg(d, mode);
}


/* one of several values: `req == A || req == B` (a disjunction of equalities) */
static void vd_either_neg(struct vd *d, enum vd_req req)
{
	if (req == VD_SET_FEATURE || req == VD_CLEAR_FEATURE || req == 7)
		msleep(10);
	d->state = req;
}

static void vd_either_pos(struct vd *d, enum vd_req req)
{
	if (req == VD_SET_FEATURE || req == VD_CLEAR_FEATURE || req == 7)
		msleep(10); /* expect: atomic-sleeping-call */
	d->state = req;
}

void vd_locked_neg(struct vd *d)
{
	static struct vd obj;

	spin_lock(&d->lock);
	vd_ctrl_neg(d, VD_GET_STATUS);
	vd_default_neg(d, VD_CLEAR_FEATURE);
	vd_mode_neg(d, VD_MODE_POLL);
	vd_flags_neg(d, VD_F_ATOMIC);
	vd_delay_neg(true);
	vd_fill_neg(d, NULL);
	vd_retry_neg(d, -EIO);
	vd_level_neg(d, 2);
	vd_guarded_neg(d, d->state);
	vd_either_neg(d, VD_GET_STATUS);
	spin_unlock(&d->lock);
}

void vd_locked_pos(struct vd *d)
{
	static struct vd obj;

	spin_lock(&d->lock);
	vd_ctrl_pos(d, VD_SET_FEATURE);
	vd_default_pos(d, VD_SET_FEATURE);
	vd_mode_pos(d, VD_MODE_WAIT);
	vd_flags_pos(d, VD_F_SLEEP);
	vd_delay_pos(false);
	vd_fill_pos(d, &obj);
	vd_retry_pos(d, -EAGAIN);
	vd_level_pos(d, 5);
	vd_either_pos(d, VD_CLEAR_FEATURE);
	spin_unlock(&d->lock);
}
