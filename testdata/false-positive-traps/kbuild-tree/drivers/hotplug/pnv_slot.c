/* Built only for powerpc Book3S-64 (HOTPLUG_PNV depends on PPC_POWERNV, which needs
 * PPC64 && PPC_BOOK3S): 64 KiB pages by default, so 64 KiB is an order-0 request. */
struct pnv_slot {
	void *fdt;
	void *big;
};

int pnv_slot_fdt(struct pnv_slot *s)
{
	s->fdt = kzalloc(0x10000, GFP_KERNEL);
	/* Still above the costly order with 64 KiB pages (order 4, 1 MiB). */
	s->big = kzalloc(0x100000, GFP_KERNEL); /* expect: kmalloc-costly-order */
	return 0;
}
