/* Layouts that must not be guessed. */

/* A member under a CONFIG_ symbol: without a .config the size is unknown, so a
 * would-be costly or sub-page judgement is withheld. */
struct trace_ctx {
	u32 id;
#ifdef CONFIG_TRACE_BIG_BUFFERS
	u8 ring[65536];
#endif
};

/* `#pragma pack` mentioned in a comment packs nothing, and neither do names that
 * contain "packed" or "aligned": 12 bytes. */
/* #pragma pack(1) */
struct not_packed {
	u8 a;
	u32 aligned_len;
	u8 packed[3];
};

int trap_setup(void)
{
	void *a = kzalloc(sizeof(struct trace_ctx), GFP_KERNEL);
	void *b = vzalloc(sizeof(struct trace_ctx));
	/* Twin: 12 * 4096 = 48 KiB, order 4, known because the comment is not a pragma. */
	void *c = kcalloc(4096, sizeof(struct not_packed), GFP_KERNEL); /* expect: kmalloc-costly-order */

	consume(a, b, c);
	return 0;
}
