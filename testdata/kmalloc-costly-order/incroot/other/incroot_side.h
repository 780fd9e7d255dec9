/* In a sibling directory: not an include root of hw/, so not known there. */
struct incroot_side {
	u8 desc[64];
};
