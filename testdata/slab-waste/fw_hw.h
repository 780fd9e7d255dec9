#define FW_DATA_LEN	2050

struct fw_hdr {
	u8 magic[4];
	__le32 len;
	u8 data[FW_DATA_LEN];	/* 4 + 4 + 2050, padded to 2060 */
};

struct wire_msg {
	u8 type;
	__le32 len;
	u8 body[300];
} __packed;			/* 305 bytes, no padding */

struct with_bits {
	u32 mode : 3;		/* bit-fields share one u32 */
	u32 rest : 29;
	u8 payload[2100];
};

struct with_lock {
	spinlock_t lock;
	u8 payload[2100];
};

typedef u8 fw_block_t[2100];	/* array typedef: size left unknown */
typedef struct fw_hdr fw_hdr_t;
