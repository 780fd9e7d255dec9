/* Layouts the size model computes (x86-64); the sizes in comments are gcc's. */
#define NQ 64
#define DESC_WORDS 4

enum ring_kind { RING_RX, RING_TX, RING_KINDS };

typedef u32 desc_word_t;

struct desc {
	desc_word_t w[DESC_WORDS];		/* 16 bytes */
};

struct big_state {
	struct list_head node;			/* 16 */
	struct desc ring[RING_KINDS][NQ * 16];	/* 2 * 1024 * 16 = 32768 */
};						/* 32784: order 4 */

/* Bit-fields share their unit: 8 bytes, not 12. */
struct bf {
	u32 a:1, b:31;
	u32 c:1;
};

/* No padding: 8 bytes, not 12. */
struct pk {
	u8 a;
	u32 b;
	u8 c[3];
} __packed;

struct al {
	u8 a;
} __aligned(64);				/* 64 bytes */

struct cl {
	u32 x;
} ____cacheline_aligned;			/* 64 bytes */

/* A flexible array aligned to the internode cache line (igb's `struct igb_q_vector`):
 * 64-byte aligned, no size: 64 bytes in all. */
struct qvec {
	u32 cpu;
	char name[25];
	u64 ring[] ____cacheline_internodealigned_in_smp;
};

union un {
	u64 q;
	u8 b[12];
};						/* 16 bytes */

struct with_anon {
	u8 tag;
	union {
		u32 word;
		u8 bytes[24];
	};
	struct {
		u16 lo, hi;
	} half;
};						/* 1 + 3 pad + 24 + 4 = 32 bytes */

struct fl {
	u32 n;
	u64 items[];
};						/* 8 bytes: the flexible array adds alignment */

typedef struct {
	u64 a[8];
} blk_t;					/* 64 bytes */

/* The layout depends on the configuration: unknown without one. */
struct cfgd {
	u32 x;
#ifdef CONFIG_FOO_BIG_TABLE
	u8 table[65536];
#endif
};

/* Byte order is the target's: little endian on x86-64. */
struct endian {
#ifdef __BIG_ENDIAN_BITFIELD
	u8 big_only[65536];
#else
	u8 little_only[40000];
#endif
};

/* `#pragma pack(1)` packs every struct up to the matching pop: 8 bytes, not 12. */
#pragma pack(push, 1)
struct pragma_packed {
	u8 a;
	u32 b;
	u8 c[3];
};
#pragma pack(pop)

/* After the pop, natural alignment again: 12 bytes. */
struct after_pop {
	u8 a;
	u32 b;
	u8 c[3];
};
