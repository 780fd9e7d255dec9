/* A type name defined as a macro, as some drivers' hardware headers do. */
union wide_addr {
	struct {
		u32 low;
		u32 high;
	};
	u64 quad;
};
#define WIDE_ADDR union wide_addr

struct plane {
	WIDE_ADDR base[4];
	WIDE_ADDR meta;
	u32 pitch;
};

struct plane_set {
	WIDE_ADDR addrs[1024];
};
