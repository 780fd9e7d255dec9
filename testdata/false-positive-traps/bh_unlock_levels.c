/* `spin_unlock_bh()` is `spin_unlock()` then `local_bh_enable()` (issue 10, pattern 2:
 * "release helpers that re-enable BH"): it gives back a level of bottom halves disabled
 * whatever took the lock. A lock taken with plain `spin_lock()` after a separate
 * `local_bh_disable()` and released with `spin_unlock_bh()`, directly or by a helper,
 * leaves bottom halves enabled; a lock taken with `spin_lock_bh()` ends only its own
 * level. The positive twins are in bh_unlock_levels_fires.c. */
struct bhl {
	spinlock_t reg_lock;
	spinlock_t other;
	struct mutex m;
	int awake;
};

/* 1. In one function: the `_bh` release ends the caller-side level too. */
void bhl_direct(struct bhl *t)
{
	local_bh_disable();
	spin_lock(&t->reg_lock);
	t->awake = 1;
	spin_unlock_bh(&t->reg_lock);
	msleep(1);
}

/* 2. The split idiom of a driver's "grab NIC access" helpers: the lock is taken with a
 * plain `spin_lock()` by one helper, after the caller disabled bottom halves, and
 * released by another with `spin_unlock_bh()`. */
static bool bhl_grab(struct bhl *t)
{
	if (!t->awake)
		return false;
	spin_lock(&t->reg_lock);
	return true;
}

static void bhl_release(struct bhl *t)
{
	t->awake = 0;
	spin_unlock_bh(&t->reg_lock);
}

void bhl_resume(struct bhl *t)
{
	local_bh_disable();
	if (bhl_grab(t))
		bhl_release(t);
	else
		local_bh_enable();
	mutex_lock(&t->m);
	mutex_unlock(&t->m);
}

/* 3. A read lock likewise (`read_unlock_bh()`). */
void bhl_read(struct bhl *t, rwlock_t *l)
{
	local_bh_disable();
	read_lock(l);
	read_unlock_bh(l);
	msleep(1);
}
