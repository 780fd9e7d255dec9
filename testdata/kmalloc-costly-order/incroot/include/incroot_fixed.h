/* In the driver's include/ directory (its Makefile's `-I $(src)/include`). */
struct incroot_fixed {
	long long value[8];
};
