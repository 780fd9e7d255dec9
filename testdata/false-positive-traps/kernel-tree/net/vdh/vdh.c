/* Value dispatch on constants that only the kernel tree's headers define (issue 10,
 * pattern 1): a run over net/ alone does not contain include/, so the enumerators and
 * flag bits tested here are read from the tree's headers (`<linux/vdh_socket.h>`,
 * which includes a uapi enum). Negatives pass a value that matches no sleeping case;
 * positive twins pass one that does. */
#include <linux/vdh_socket.h>

struct vdh {
	rwlock_t lock;
	struct mutex mtx;
	int state;
};

/* `switch (event)` on uapi enumerators: event 0 is none of them. */
static void vdh_notify_neg(int event, struct vdh *d)
{
	switch (event) {
	case VDH_NEWADDR:
		d->state = 1;
		break;
	case VDH_DELADDR:
		mutex_lock(&d->mtx);
		d->state = 0;
		mutex_unlock(&d->mtx);
		break;
	}
}

static void vdh_notify_pos(int event, struct vdh *d)
{
	switch (event) {
	case VDH_NEWADDR:
		d->state = 1;
		break;
	case VDH_DELADDR:
		mutex_lock(&d->mtx); /* expect: atomic-sleeping-call */
		d->state = 0;
		mutex_unlock(&d->mtx);
		break;
	}
}

/* A bit test of a flags argument given a different header-defined bit. */
static int vdh_append_neg(struct vdh *d, int length, unsigned int flags)
{
	if ((flags & VDH_MSG_ZEROCOPY) && length)
		msleep(1);
	return 0;
}

static int vdh_append_pos(struct vdh *d, int length, unsigned int flags)
{
	if ((flags & VDH_MSG_ZEROCOPY) && length)
		msleep(2); /* expect: atomic-sleeping-call */
	return 0;
}

/* The case label resolves through the headers, the caller's constant nowhere: two
 * different constant names are still different values. */
static void vdh_event2_neg(int event, struct vdh *d)
{
	switch (event) {
	case VDH_DELADDR:
		msleep(3);
		break;
	default:
		break;
	}
}

static void vdh_event2_pos(int event, struct vdh *d)
{
	switch (event) {
	case VDH_DELADDR:
		msleep(4); /* expect: atomic-sleeping-call */
		break;
	default:
		break;
	}
}

void vdh_temp_addrs(struct vdh *d)
{
	read_lock_bh(&d->lock);
	vdh_notify_neg(0, d);
	vdh_notify_pos(21, d);
	vdh_append_neg(d, 10, VDH_MSG_DONTWAIT);
	vdh_append_pos(d, 10, VDH_MSG_ZEROCOPY | VDH_MSG_DONTWAIT);
	vdh_event2_neg(VDH_LOCAL_EVENT, d);
	vdh_event2_pos(VDH_DELADDR, d);
	read_unlock_bh(&d->lock);
}
