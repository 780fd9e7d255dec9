/* A helper that releases its caller's lock, defined under `#ifdef CONFIG_…` (one
 * configuration's variant; the other may be a header stub that also unlocks): the
 * caller relies on the release in every configuration, so it counts. What a variant
 * takes does not (the other may be an empty stub): `vr_quiesce()` stays silent.
 * Positive twin: a sleep before the releasing call. */
struct vr_obj {
	spinlock_t lock;
	int state;
};

struct vr_ctl {
	int x;
};

#ifdef CONFIG_VR_GROUPS
void vr_attach_and_unlock(struct vr_ctl *c, struct vr_obj *o)
{
	if (!o->state) {
		spin_unlock(&o->lock);
		return;
	}
	c->x = o->state;
	spin_unlock(&o->lock);
}

static void vr_irq_off(void)
{
	local_irq_disable();
}
#endif

void vr_write_all(struct vr_ctl *c, struct vr_obj **objs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct vr_obj *o = objs[i];

		spin_lock(&o->lock);
		if (o->state == 3) {
			spin_unlock(&o->lock);
			continue;
		}
		vr_attach_and_unlock(c, o);
		cond_resched();
	}
}

void vr_write_all_pos(struct vr_ctl *c, struct vr_obj **objs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct vr_obj *o = objs[i];

		spin_lock(&o->lock);
		cond_resched(); /* expect: atomic-sleeping-call */
		vr_attach_and_unlock(c, o);
	}
}

void vr_quiesce(struct vr_ctl *c)
{
	vr_irq_off();
	msleep(1);
	local_irq_enable();
}
