/* Found from hw/ through the driver's include root (its Makefile's `-I $(src)`). */
struct incroot_ring {
	u8 desc[64];
};
