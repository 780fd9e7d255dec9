/* Part of the composite ebuseth.o (ebuseth-objs), built by EBUS_ETH, which depends
 * on IBMEBUS (pSeries, so Book3S-64): 64 KiB pages. */
struct eth_bmap {
	unsigned long top[8192];
};

int eth_bmap_init(struct eth_bmap **map)
{
	*map = kzalloc(sizeof(struct eth_bmap), GFP_KERNEL);
	return *map ? 0 : -12;
}
