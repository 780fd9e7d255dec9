/* A wrapper that disables interrupts only in one configuration. */
struct xip {
	struct mutex m;
};

#ifdef CONFIG_XIP_FLASH
static void xip_enter(struct xip *x)
{
	local_irq_disable();
}

static void xip_leave(struct xip *x)
{
	local_irq_enable();
}
#else
#define xip_enter(x) do { } while (0)
#define xip_leave(x) do { } while (0)
#endif

void xip_write(struct xip *x)
{
	xip_enter(x);
	mutex_lock(&x->m);
	mutex_unlock(&x->m);
	xip_leave(x);
}
