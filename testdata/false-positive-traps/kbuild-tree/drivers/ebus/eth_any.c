/* EBUS_ANY depends on `IBMEBUS || COMPILE_TEST`: any architecture, 4 KiB pages. */
struct eth_any_bmap {
	unsigned long top[8192];
};

int eth_any_bmap_init(struct eth_any_bmap **map)
{
	*map = kzalloc(sizeof(struct eth_any_bmap), GFP_KERNEL); /* expect: kmalloc-costly-order */
	return *map ? 0 : -12;
}
