/* A GFP_KERNEL argument to a function of another subsystem, under RCU: reported when
 * that subsystem is not in the run (the call is passed GFP_KERNEL) and when it is
 * (d/ defines it, handing `gfp` to an inline helper of a header outside the run). */
void drv_color_event(struct drv *d)
{
	rcu_read_lock();
	core_color_notify(d->vif, d->bitmap, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	rcu_read_unlock();
}
