/* Member forms the layout reads: members declared by macros (`member_macro` in
 * lints/api.toml), enums declared in place, lengths from ARRAY_SIZE() of a file-scope
 * array and from BITS_TO_LONGS(). Each struct is 4,100 to 4,104 bytes: eight of them
 * are above 32 KiB (order 4, costly), seven are not. */
static const unsigned short keymap[] = { 1, 2, 3, 4, 5, 6, 7, 8 };

struct with_bitmap {
	int id;
	DECLARE_BITMAP(map, 32768);
};

struct with_enum {
	enum { IDLE, BUSY } state;
	u8 buf[4096];
};

struct with_keys {
	unsigned short keys[ARRAY_SIZE(keymap)][256];
	int count;
};

struct with_longs {
	unsigned long bits[BITS_TO_LONGS(32768)];
	int x;
};

struct with_dma {
	DEFINE_DMA_UNMAP_ADDR(addr);
	DEFINE_DMA_UNMAP_LEN(len);
	u8 buf[4088];
};

/* A macro the knowledge does not describe: the layout is unknown, so silent. */
struct with_unknown {
	UNKNOWN_MEMBER_MACRO(x);
	u8 buf[65536];
};

void *member_forms(void)
{
	void *p;

	p = kcalloc(8, sizeof(struct with_bitmap), GFP_KERNEL); /* expect: kmalloc-costly-order */
	p = kcalloc(7, sizeof(struct with_bitmap), GFP_KERNEL);
	p = kcalloc(8, sizeof(struct with_enum), GFP_KERNEL); /* expect: kmalloc-costly-order */
	p = kcalloc(7, sizeof(struct with_enum), GFP_KERNEL);
	p = kcalloc(8, sizeof(struct with_keys), GFP_KERNEL); /* expect: kmalloc-costly-order */
	p = kcalloc(7, sizeof(struct with_keys), GFP_KERNEL);
	p = kcalloc(8, sizeof(struct with_longs), GFP_KERNEL); /* expect: kmalloc-costly-order */
	p = kcalloc(7, sizeof(struct with_longs), GFP_KERNEL);
	p = kcalloc(8, sizeof(struct with_dma), GFP_KERNEL); /* expect: kmalloc-costly-order */
	p = kcalloc(7, sizeof(struct with_dma), GFP_KERNEL);
	p = kcalloc(1, sizeof(struct with_unknown), GFP_KERNEL);
	return p;
}

/* Costly and atomic: the help points away from kvmalloc, which is kmalloc for these flags. */
void *atomic_costly(void)
{
	return kcalloc(8, sizeof(struct with_bitmap), GFP_ATOMIC); /* expect: kmalloc-costly-order */
}

/* DECLARE_KFIFO(): a struct __kfifo (24 bytes) and its buffer, one anonymous struct;
 * DECLARE_FLEX_ARRAY(): a flexible array. 24 + 4,096 = 4,120 bytes. */
struct with_fifo {
	DECLARE_KFIFO(fifo, u8, 4096);
	DECLARE_FLEX_ARRAY(u32, tail);
};

void *fifo_costly(void)
{
	return kcalloc(8, sizeof(struct with_fifo), GFP_KERNEL); /* expect: kmalloc-costly-order */
}
