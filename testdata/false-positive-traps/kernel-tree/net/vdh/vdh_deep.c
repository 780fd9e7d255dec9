/* A case label whose constant is defined 70 headers deep in the file's include
 * closure (`RTM_DELADDR` for net/ipv6/mcast.c is past the 64th header): the closure is
 * read whole, so event 0 is still known not to be it. */
#include <linux/vdh_deep/d00.h>

struct vdh_deep {
	rwlock_t lock;
	struct mutex mtx;
	int state;
};

static void vdh_deep_notify_neg(int event, struct vdh_deep *d)
{
	switch (event) {
	case VDH_DEEP_DELADDR:
		mutex_lock(&d->mtx);
		d->state = 0;
		mutex_unlock(&d->mtx);
		break;
	}
}

static void vdh_deep_notify_pos(int event, struct vdh_deep *d)
{
	switch (event) {
	case VDH_DEEP_DELADDR:
		mutex_lock(&d->mtx); /* expect: atomic-sleeping-call */
		d->state = 0;
		mutex_unlock(&d->mtx);
		break;
	}
}

void vdh_deep_leave(struct vdh_deep *d)
{
	read_lock_bh(&d->lock);
	vdh_deep_notify_neg(0, d);
	vdh_deep_notify_pos(21, d);
	read_unlock_bh(&d->lock);
}
