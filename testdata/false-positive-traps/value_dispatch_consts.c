/* Value-dependent dispatch, second round (issue 10, pattern 1): a boolean passed as a
 * `#define` of `false`, and a flag parameter the body may only clear. Each negative
 * has a positive twin whose argument selects the sleeping branch. */
struct vc {
	spinlock_t lock;
	struct mutex m;
	int state;
};

#define VC_CAN_SLEEP true
#define VC_CAN_NOT_SLEEP false

/* A `#define` of `false` as the argument. */
static void vc_check_neg(struct vc *v, bool can_sleep)
{
	if (!can_sleep) {
		v->state = 1;
	} else {
		mutex_lock(&v->m);
		v->state = 2;
		mutex_unlock(&v->m);
	}
}

static void vc_check_pos(struct vc *v, bool can_sleep)
{
	if (!can_sleep) {
		v->state = 1;
	} else {
		mutex_lock(&v->m); /* expect: atomic-sleeping-call */
		v->state = 2;
		mutex_unlock(&v->m);
	}
}

/* A flag parameter the body only ever sets to `false`: `if (sleep_ok)` is still
 * reached only with the caller's value. */
static int vc_mbox_neg(struct vc *v, int timeout, bool sleep_ok)
{
	int i;

	if (timeout < 0) {
		sleep_ok = false;
		timeout = -timeout;
	}
	for (i = 0; i < timeout; i++) {
		if (sleep_ok)
			msleep(1);
		else
			mdelay(1);
	}
	return 0;
}

static int vc_mbox_pos(struct vc *v, int timeout, bool sleep_ok)
{
	int i;

	if (timeout < 0) {
		sleep_ok = false;
		timeout = -timeout;
	}
	for (i = 0; i < timeout; i++) {
		if (sleep_ok)
			msleep(1); /* expect: atomic-sleeping-call */
		else
			mdelay(1);
	}
	return 0;
}

/* A parameter the body may set to `true` says nothing about the branch. */
static int vc_retry_set(struct vc *v, bool sleep_ok)
{
	if (v->state > 3)
		sleep_ok = true;
	if (sleep_ok)
		msleep(1); /* expect: atomic-sleeping-call */
	return 0;
}

void vc_locked(struct vc *v)
{
	spin_lock_bh(&v->lock);
	vc_check_neg(v, VC_CAN_NOT_SLEEP);
	vc_check_pos(v, VC_CAN_SLEEP);
	vc_mbox_neg(v, 10, false);
	vc_mbox_pos(v, 10, true);
	vc_retry_set(v, false);
	spin_unlock_bh(&v->lock);
}

/*
 * An ordering against zero inside a conjunction: `wait_ms > 0` is false for the
 * literal 0 passed by the locked caller, so the sleep is not reached from it.
 */
static int vdc_send(struct vc *d);

static int vdc_issue_probe(struct vc *d, int try_cnt, int wait_ms)
{
	int ret;
	int i = 0;

	do {
		ret = vdc_send(d);
		i++;
		if (i < try_cnt && wait_ms > 0 && ret == -1)
			msleep(wait_ms);
	} while (i < try_cnt && ret == -1);
	return ret;
}

void vdc_status_check(struct vc *d)
{
	spin_lock(&d->lock);
	vdc_issue_probe(d, 0, 0);
	spin_unlock(&d->lock);
}

/* Twin: a locked caller that passes a positive wait does reach the sleep. */
static int vdc_issue_null(struct vc *d, int try_cnt, int wait_ms)
{
	int ret;
	int i = 0;

	do {
		ret = vdc_send(d);
		i++;
		if (i < try_cnt && wait_ms > 0 && ret == -1)
			msleep(wait_ms); /* expect: atomic-sleeping-call */
	} while (i < try_cnt && ret == -1);
	return ret;
}

void vdc_power_save(struct vc *d)
{
	spin_lock(&d->lock);
	vdc_issue_null(d, 3, 10);
	spin_unlock(&d->lock);
}

/* A wrapper forwarding many parameters, the flag last: the literal `false` two calls
 * up must still reach `if (sleep_ok)` (the cxgb4 `t4_wr_mbox_ns()` →
 * `t4_wr_mbox_meat()` → `t4_wr_mbox_meat_timeout()` shape). */
static int vc_mbox_timeout_neg(struct vc *v, int mbox, const void *cmd, int size,
			       void *rpl, bool sleep_ok, int timeout)
{
	int i;

	for (i = 0; i < timeout; i++) {
		if (sleep_ok)
			msleep(1);
		else
			mdelay(1);
	}
	return 0;
}

static int vc_mbox_meat_neg(struct vc *v, int mbox, const void *cmd, int size,
			    void *rpl, bool sleep_ok)
{
	return vc_mbox_timeout_neg(v, mbox, cmd, size, rpl, sleep_ok, 10);
}

static int vc_mbox_nosleep(struct vc *v, int mbox, const void *cmd, int size,
			   void *rpl)
{
	return vc_mbox_meat_neg(v, mbox, cmd, size, rpl, false);
}

void vc_mirror_neg(struct vc *v)
{
	local_bh_disable();
	vc_mbox_nosleep(v, 1, NULL, 0, NULL);
	local_bh_enable();
}

/* Its twin: the same chain with `true`. */
static int vc_mbox_timeout_pos(struct vc *v, int mbox, const void *cmd, int size,
			       void *rpl, bool sleep_ok, int timeout)
{
	int i;

	for (i = 0; i < timeout; i++) {
		if (sleep_ok)
			msleep(1); /* expect: atomic-sleeping-call */
		else
			mdelay(1);
	}
	return 0;
}

static int vc_mbox_meat_pos(struct vc *v, int mbox, const void *cmd, int size,
			    void *rpl, bool sleep_ok)
{
	return vc_mbox_timeout_pos(v, mbox, cmd, size, rpl, sleep_ok, 10);
}

static int vc_mbox_sleep(struct vc *v, int mbox, const void *cmd, int size,
			 void *rpl)
{
	return vc_mbox_meat_pos(v, mbox, cmd, size, rpl, true);
}

void vc_mirror_pos(struct vc *v)
{
	local_bh_disable();
	vc_mbox_sleep(v, 1, NULL, 0, NULL);
	local_bh_enable();
}
