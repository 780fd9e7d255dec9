/* Value dispatch through arguments computed from a parameter (issue 10, pattern 1):
 * `helper(d, wait_ms > 0)`, `helper(d, !nowait)`, `helper(d, flags & F)`,
 * `helper(d, flags | F)`, a constant expression `A | B`, and a one-line helper
 * returning `flags & F` passed on as the argument. Each negative has a positive twin
 * with its own sleep line. */
struct vdd {
	spinlock_t lock;
	struct mutex mtx;
	int state;
};

#define VDD_OP_REMOVE	0x1
#define VDD_OP_NOWAIT	0x2
#define VDD_OP_SLEEP	0x4

/* `wait_ms > 0` passed as the callee's flag: a caller's literal 0 makes it false. */
static int vdd_send_ack_neg(struct vdd *d, bool wait_ack)
{
	if (wait_ack) {
		mutex_lock(&d->mtx);
		d->state = 1;
		mutex_unlock(&d->mtx);
	}
	return 0;
}

static int vdd_issue_neg(struct vdd *d, int try_cnt, int wait_ms)
{
	return vdd_send_ack_neg(d, wait_ms > 0);
}

static int vdd_send_ack_pos(struct vdd *d, bool wait_ack)
{
	if (wait_ack) {
		mutex_lock(&d->mtx); /* expect: atomic-sleeping-call */
		d->state = 1;
		mutex_unlock(&d->mtx);
	}
	return 0;
}

static int vdd_issue_pos(struct vdd *d, int try_cnt, int wait_ms)
{
	return vdd_send_ack_pos(d, wait_ms > 0);
}

/* `!nowait`: the callee sleeps when its `may_sleep` is set. */
static void vdd_poll_neg(struct vdd *d, bool may_sleep)
{
	if (may_sleep)
		msleep(2);
}

static void vdd_kick_neg(struct vdd *d, bool nowait)
{
	vdd_poll_neg(d, !nowait);
}

static void vdd_poll_pos(struct vdd *d, bool may_sleep)
{
	if (may_sleep)
		msleep(3); /* expect: atomic-sleeping-call */
}

static void vdd_kick_pos(struct vdd *d, bool nowait)
{
	vdd_poll_pos(d, !nowait);
}

/* `flags & F` as a bool argument, and a constant expression `A | B` from the caller. */
static int vdd_exec_neg(struct vdd *d, bool nowait)
{
	if (nowait)
		return 0;
	usleep_range(10, 20);
	return 0;
}

static int vdd_tbl_del_neg(struct vdd *d, int flags)
{
	return vdd_exec_neg(d, flags & VDD_OP_NOWAIT);
}

static int vdd_exec_pos(struct vdd *d, bool nowait)
{
	if (nowait)
		return 0;
	usleep_range(30, 40); /* expect: atomic-sleeping-call */
	return 0;
}

static int vdd_tbl_del_pos(struct vdd *d, int flags)
{
	return vdd_exec_pos(d, flags & VDD_OP_NOWAIT);
}

/* A one-line helper returning a bit of its parameter, passed on as the argument. */
static bool vdd_flags_nowait(int flags)
{
	return flags & VDD_OP_NOWAIT;
}

static int vdd_exec2_neg(struct vdd *d, bool nowait)
{
	if (nowait)
		return 0;
	msleep(5);
	return 0;
}

static int vdd_flow_del_neg(struct vdd *d, int flags)
{
	return vdd_exec2_neg(d, vdd_flags_nowait(flags));
}

static int vdd_exec2_pos(struct vdd *d, bool nowait)
{
	if (nowait)
		return 0;
	msleep(6); /* expect: atomic-sleeping-call */
	return 0;
}

static int vdd_flow_del_pos(struct vdd *d, int flags)
{
	return vdd_exec2_pos(d, vdd_flags_nowait(flags));
}

/* `flags | F` always sets F: a callee that sleeps only without F does not sleep. */
static int vdd_send_neg(struct vdd *d, unsigned int flags)
{
	if (flags & VDD_OP_NOWAIT)
		return 1;
	msleep(7);
	return 0;
}

static int vdd_send_nb_neg(struct vdd *d, unsigned int len)
{
	return vdd_send_neg(d, len | VDD_OP_NOWAIT);
}

static int vdd_send_pos(struct vdd *d, unsigned int flags)
{
	if (flags & VDD_OP_NOWAIT)
		return 1;
	msleep(8); /* expect: atomic-sleeping-call */
	return 0;
}

static int vdd_send_nb_pos(struct vdd *d, unsigned int len)
{
	return vdd_send_pos(d, len | VDD_OP_SLEEP);
}

/* A macro that always ORs in the no-wait bit, whatever its argument. */
#define VDD_MAKE_FLAGS(len) ({ \
	typeof(len) len_ = (len); \
	(FIELD_PREP(0xff00, len_) | VDD_OP_NOWAIT); \
})
#define VDD_MAKE_SLEEP_FLAGS(len) (FIELD_PREP(0xff00, len) | VDD_OP_SLEEP)

static int vdd_ct_send_neg(struct vdd *d, const u32 *action, u32 flags)
{
	if (flags & VDD_OP_NOWAIT)
		return 0;
	might_sleep();
	return 1;
}

static int vdd_ct_send_nb_neg(struct vdd *d, const u32 *action, u32 len)
{
	return vdd_ct_send_neg(d, action, VDD_MAKE_FLAGS(len));
}

static int vdd_ct_send_pos(struct vdd *d, const u32 *action, u32 flags)
{
	if (flags & VDD_OP_NOWAIT)
		return 0;
	might_sleep(); /* expect: atomic-sleeping-call */
	return 1;
}

static int vdd_ct_send_nb_pos(struct vdd *d, const u32 *action, u32 len)
{
	return vdd_ct_send_pos(d, action, VDD_MAKE_SLEEP_FLAGS(len));
}

void vdd_locked(struct vdd *d)
{
	spin_lock(&d->lock);
	vdd_issue_neg(d, 1, 0);
	vdd_issue_pos(d, 1, 10);
	vdd_kick_neg(d, true);
	vdd_kick_pos(d, false);
	vdd_tbl_del_neg(d, VDD_OP_REMOVE | VDD_OP_NOWAIT);
	vdd_tbl_del_pos(d, VDD_OP_REMOVE | VDD_OP_SLEEP);
	vdd_flow_del_neg(d, VDD_OP_REMOVE | VDD_OP_NOWAIT);
	vdd_flow_del_pos(d, VDD_OP_REMOVE);
	vdd_send_nb_neg(d, 4);
	vdd_send_nb_pos(d, 4);
	vdd_ct_send_nb_neg(d, NULL, 2);
	vdd_ct_send_nb_pos(d, NULL, 2);
	spin_unlock(&d->lock);
}
