/* A driver family's register accessor is a function-like macro over its bus ops. */
struct mc_bus_ops {
	void (*wr)(void *dev, u32 reg, u32 val);
};

struct mc_dev {
	struct mc_bus_ops *bus;
	spinlock_t lock;
};

#define mc_wr(dev, ...) (dev)->bus->wr((dev), __VA_ARGS__)
