struct small_cfg {
	u32 mode;
	u32 flags;
	u64 base;
	void *priv;
};

struct locked_cfg {
	spinlock_t lock;	/* from the target's type table: 4 bytes */
	u32 mode;
};

typedef struct {
	u32 lo;
	u32 hi;
} small_pair_t;
