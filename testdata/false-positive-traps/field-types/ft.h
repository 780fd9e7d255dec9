/* Two structs of one driver with a field of the same name. */
struct ft_dma_buf {
	void *data;
	dma_addr_t phys;
};

struct ft_rx_buf {
	void *data;
	dma_addr_t phys;
};

struct ft_dev {
	struct device *dev;
};
