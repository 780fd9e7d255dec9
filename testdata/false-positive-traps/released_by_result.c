/* Helpers that release their caller's lock on some paths, and say which by their
 * result or by releasing it on every way out:
 * - jq_drain_batch() returns 0 with b->lock held (taken again after each job) and a
 *   non-zero value only after releasing it: where the caller's `ret` tests non-zero,
 *   the lock is no longer held;
 * - jq_retire_batch() releases its caller's lock on every path, though it takes it
 *   again in between to release it once more.
 * The sleep in jq_run() runs with no lock held. */
struct jq_batch {
	spinlock_t lock;
	int queued;
	int stalled;
	int flags;
};

struct jq {
	spinlock_t list_lock;
	int budget;
};

int jq_run_one(struct jq_batch *b);
struct jq_batch *jq_next_batch(struct jq *q);

static int jq_drain_batch(struct jq *q, struct jq_batch *b)
{
	int err;

	while (b->queued) {
		if (b->stalled) {
			spin_unlock(&b->lock);
			return -EAGAIN;
		}
		b->queued--;
		spin_unlock(&b->lock);
		err = jq_run_one(b);
		if (err)
			return err;
		cond_resched();
		spin_lock(&b->lock);
	}
	return 0;
}

static int jq_flush_flags(struct jq_batch *b)
{
	int err;

	if (!b->flags)
		return 0;
	b->flags = 0;
	spin_unlock(&b->lock);
	err = jq_run_one(b);
	return err ? err : 1;
}

static int jq_retire_batch(struct jq *q, struct jq_batch *batch)
{
	int ret;

	ret = jq_flush_flags(batch);
	if (ret < 0)
		return ret;
	else if (ret)
		return ret;
	spin_unlock(&batch->lock);
	spin_lock(&q->list_lock);
	spin_lock(&batch->lock);
	if (batch->queued) {
		spin_unlock(&batch->lock);
		spin_unlock(&q->list_lock);
		return 1;
	}
	spin_unlock(&batch->lock);
	spin_unlock(&q->list_lock);
	return 0;
}

int jq_run(struct jq *q)
{
	struct jq_batch *cur = NULL;
	int ret;

	do {
		if (!cur) {
			cur = jq_next_batch(q);
			if (!cur)
				break;
		}
		spin_lock(&cur->lock);
		ret = jq_drain_batch(q, cur);
		if (ret < 0 && ret != -EAGAIN) {
			return ret;
		} else if (!ret) {
			ret = jq_retire_batch(q, cur);
			if (ret > 0) {
				ret = 0;
				continue;
			} else if (ret) {
				return ret;
			}
		}
		cur = NULL;
		cond_resched();
	} while (q->budget--);
	return 0;
}

/* The result tested directly after the call, and through `goto`. */
int jq_run_once(struct jq *q, struct jq_batch *b)
{
	int err;

	spin_lock(&b->lock);
	err = jq_drain_batch(q, b);
	if (err)
		goto out;
	spin_unlock(&b->lock);
out:
	msleep(1);
	return err;
}
