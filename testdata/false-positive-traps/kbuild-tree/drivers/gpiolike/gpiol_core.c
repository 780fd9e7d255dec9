/* Built in only (GPIOL is bool). The label is duplicated with kstrdup_const(), which
 * returns a string of the kernel's .rodata as is: a literal of built-in code. */
struct gdesc {
	const char *label;
};

static DEFINE_SPINLOCK(gpiol_lock);

static int gpiol_commit_pwm(struct gdesc *d, const char *label)
{
	if (label) {
		label = kstrdup_const(label, GFP_KERNEL);
		if (!label)
			return -12;
	}
	d->label = label;
	return 0;
}

static int gpiol_commit_modular(struct gdesc *d, const char *label)
{
	if (label) {
		label = kstrdup_const(label, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
		if (!label)
			return -12;
	}
	d->label = label;
	return 0;
}

int gpiol_request_own_pwm(struct gdesc *d, const char *label)
{
	return gpiol_commit_pwm(d, label);
}

int gpiol_request_own_modular(struct gdesc *d, const char *label)
{
	return gpiol_commit_modular(d, label);
}

/* A literal of this built-in file itself. */
void gpiol_name_core(struct gdesc *d)
{
	spin_lock(&gpiol_lock);
	d->label = kstrdup_const("gpiol-core", GFP_KERNEL);
	spin_unlock(&gpiol_lock);
}
