/* Built on any architecture: 4 KiB pages, 64 KiB is order 4 (the positive twin of
 * pnv_slot.c). */
struct generic_slot {
	void *fdt;
};

int generic_slot_fdt(struct generic_slot *s)
{
	s->fdt = kzalloc(0x10000, GFP_KERNEL); /* expect: kmalloc-costly-order */
	return 0;
}
