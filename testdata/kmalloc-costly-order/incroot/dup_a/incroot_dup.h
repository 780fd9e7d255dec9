/* One of two headers of this name: which one a -I path picks is not known. */
struct incroot_dup {
	unsigned char bytes[64];
};
