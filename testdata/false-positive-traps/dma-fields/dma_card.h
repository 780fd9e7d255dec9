/* Objects of a bus driver: which of them the device reads or writes directly. */
#define CARD_BUF_BYTES	65536
#define RING_BYTES	65536

/* The SDIO host reads into buffer[] (dma_io.c): the whole object must be contiguous. */
struct card_dev {
	struct sdio_func *func;
	u32 ioport;
	u8 buffer[CARD_BUF_BYTES];
};

/* The same shape, kept for the CPU only. */
struct card_log {
	struct sdio_func *func;
	u32 ioport;
	u8 buffer[CARD_BUF_BYTES];
};

/* One receive slot: data[] is mapped for streaming DMA. */
struct rx_slot {
	u8 data[9216];
	u64 dma;
};

/* Embeds a card_dev: its buffer[] is in this object's memory. */
struct card_wrap {
	int id;
	struct card_dev card;
};

/* Points to a card_dev: the DMA memory is elsewhere. */
struct card_ref {
	struct card_dev *card;
	u8 scratch[CARD_BUF_BYTES];
};

struct ring_owner {
	u8 *rx_ring;	/* handed to the device (dma_io.c) */
	u8 *log_ring;	/* CPU only */
	u8 *mhi_rx;	/* queued to an MHI channel (dma_io.c) */
};
