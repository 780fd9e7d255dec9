/* GPIOL_MODULAR is tristate: as a module its literals are not in the kernel's
 * .rodata, and kstrdup_const() copies them (the positive twin of gpiol_pwm.c). */
struct gdesc;
struct gmod {
	spinlock_t lock;
	struct gdesc *d;
	const char *name;
};

int gpiol_request_own_modular(struct gdesc *d, const char *label);

int gmod_request(struct gmod *p)
{
	int ret;

	spin_lock_irq(&p->lock);
	ret = gpiol_request_own_modular(p->d, "gpiol-mod");
	p->name = kstrdup_const("gpiol-mod-name", GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock_irq(&p->lock);
	return ret;
}
