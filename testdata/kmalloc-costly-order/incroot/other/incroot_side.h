/* In a sibling directory: found as the only header of its name (a -I directory). */
struct incroot_side {
	u8 desc[64];
};
