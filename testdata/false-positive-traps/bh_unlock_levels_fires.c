/* Positive twins of bh_unlock_levels.c: a level of bottom halves disabled is still held
 * at the sleep. */
struct bhf {
	spinlock_t reg_lock;
	spinlock_t other;
	struct mutex m;
	int awake;
};

/* 1. `spin_lock_bh()` brought its own level: its `spin_unlock_bh()` ends only that one,
 * and the caller's `local_bh_disable()` still holds. */
void bhf_nested(struct bhf *t)
{
	local_bh_disable();
	spin_lock_bh(&t->reg_lock);
	t->awake = 1;
	spin_unlock_bh(&t->reg_lock);
	msleep(1); /* expect: atomic-sleeping-call */
	local_bh_enable();
}

/* 2. A plain `spin_unlock()` gives back no level. */
void bhf_plain(struct bhf *t)
{
	local_bh_disable();
	spin_lock(&t->reg_lock);
	spin_unlock(&t->reg_lock);
	msleep(1); /* expect: atomic-sleeping-call */
	local_bh_enable();
}

/* 3. The helpers' split idiom, with the sleep before the release. */
static bool bhf_grab(struct bhf *t)
{
	if (!t->awake)
		return false;
	spin_lock(&t->reg_lock);
	return true;
}

static void bhf_release(struct bhf *t)
{
	t->awake = 0;
	spin_unlock_bh(&t->reg_lock);
}

void bhf_resume(struct bhf *t)
{
	local_bh_disable();
	if (bhf_grab(t)) {
		mutex_lock(&t->m); /* expect: atomic-sleeping-call */
		mutex_unlock(&t->m);
		bhf_release(t);
	} else {
		local_bh_enable();
	}
}
