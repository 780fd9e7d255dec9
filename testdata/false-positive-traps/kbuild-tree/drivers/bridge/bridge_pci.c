/* Config space access under a spinlock. Host mode is MIPS only (BRIDGE_HOSTMODE
 * depends on BRIDGE_MIPS, which depends on MIPS), where ioremap() of an uncached
 * low address is a fixed KSEG1 mapping and does not sleep, but one above 512 MiB
 * maps pages: the address decides, which gfplint does not evaluate, so both sleep
 * (api.toml keeps `no_sleep_arches` off ioremap()). */
struct bridge_pci {
	spinlock_t cfg_lock;
	unsigned long base;
};

#ifdef CONFIG_BRIDGE_HOSTMODE
static int bridge_extpci_read(struct bridge_pci *pc, unsigned int off, unsigned int *val)
{
	void __iomem *mmio = ioremap(pc->base + off, 4); /* expect: atomic-sleeping-alloc */

	if (!mmio)
		return -12;
	*val = readl(mmio);
	iounmap(mmio);
	return 0;
}
#endif

#ifdef CONFIG_BRIDGE_X86HOST
static int bridge_x86_read(struct bridge_pci *pc, unsigned int off, unsigned int *val)
{
	void __iomem *mmio = ioremap(pc->base + off, 4); /* expect: atomic-sleeping-alloc */

	if (!mmio)
		return -12;
	*val = readl(mmio);
	iounmap(mmio);
	return 0;
}
#endif

int bridge_pci_read(struct bridge_pci *pc, unsigned int off, unsigned int *val)
{
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&pc->cfg_lock, flags);
#ifdef CONFIG_BRIDGE_HOSTMODE
	err = bridge_extpci_read(pc, off, val);
#endif
#ifdef CONFIG_BRIDGE_X86HOST
	err = bridge_x86_read(pc, off, val);
#endif
	spin_unlock_irqrestore(&pc->cfg_lock, flags);
	return err;
}
