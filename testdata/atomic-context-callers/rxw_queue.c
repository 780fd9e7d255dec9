/* A queue helper in another file that returns with the queue lock released: a
 * release wrapper (its callers take the lock). */
#include <linux/spinlock.h>

struct rxw_queue {
	spinlock_t lock;
	int len;
};

void rxw_queue_unlock(struct rxw_queue *q)
{
	q->len = 0;
	spin_unlock_bh(&q->lock);
}
