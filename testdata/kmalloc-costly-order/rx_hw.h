#define RX_DESCS	4096

struct rx_desc {
	__le64 addr;
	__le32 len;
	__le32 flags;
};

#define RX_RING_BYTES	(RX_DESCS * sizeof(struct rx_desc))
