/* Hardware limits of the (imaginary) foo device. */
#ifndef FOO_HW_H
#define FOO_HW_H

#define FOO_FW_MAX		(8 * SZ_1M)	/* largest firmware image */
#define FOO_TABLE_ENTRIES	4096

struct foo_entry {
	u32 id;
	u64 addr;	/* 4 bytes of padding before this */
	u8 tag[16];
};

#ifdef CONFIG_FOO_BIG
#define FOO_LOG_BYTES		SZ_8M
#else
#define FOO_LOG_BYTES		SZ_4K
#endif

#endif
