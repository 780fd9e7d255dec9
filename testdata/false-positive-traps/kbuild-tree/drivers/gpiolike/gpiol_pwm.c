/* GPIOL_PWM is `def_bool y`: built in, so "gpiol-pwm" is in the kernel's .rodata and
 * kstrdup_const() does not allocate. */
struct gdesc;
struct gpwm {
	spinlock_t lock;
	struct gdesc *d;
	const char *name;
};

int gpiol_request_own_pwm(struct gdesc *d, const char *label);

int gpwm_request(struct gpwm *p)
{
	int ret;

	spin_lock_irq(&p->lock);
	ret = gpiol_request_own_pwm(p->d, "gpiol-pwm");
	p->name = kstrdup_const("gpiol-pwm-name", GFP_KERNEL);
	spin_unlock_irq(&p->lock);
	return ret;
}
