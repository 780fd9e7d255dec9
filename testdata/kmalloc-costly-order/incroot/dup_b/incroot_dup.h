/* The other header of this name (see dup_a/). */
struct incroot_dup {
	unsigned char bytes[8];
};
