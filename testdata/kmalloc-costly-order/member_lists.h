/* Register field lists as amdgpu's display code writes them: a function-like macro
 * whose body declares members, called alone on a line of a struct body with no `;`
 * after it, one list calling another, a comment inside the body. tree-sitter alone
 * reads such a call, and the rest of the file, as an error. */
#define ML_BASE_FIELDS(type) \
	type ENABLE; /* the first register */\
	type START; \
	type END;

#define ML_FIELDS(type) \
	ML_BASE_FIELDS(type) \
	type table[2048];

struct ml_shift {
	ML_FIELDS(uint8_t)
};

struct ml_mask {
	ML_FIELDS(uint32_t)
};

/* Spliced into the struct as declared, not padded as a nested struct: `word` at 0,
 * `byte` at 4, `tail` at 5, 32,768 bytes in all (a nested struct would be padded to
 * 8 bytes, and the whole to 32,772: order 4). */
#define ML_MIXED(wide, narrow) \
	wide word; \
	narrow byte;

struct ml_tail {
	ML_MIXED(u32, u8)
	u8 tail[32763];
};

/* A list the run does not define: the layout is unknown, so silent. */
struct ml_unknown {
	ML_NOT_DEFINED(uint32_t)
	u8 buf[65536];
};

/* After the lists, the header still parses. */
struct ml_after {
	u8 buf[40000];
};

/* A list defined twice (`#if` alternatives, one empty): which one applies is not
 * known here, so neither is the layout. */
#if BITS_PER_LONG == 64
#define ML_LOCK(name)
#else
#define ML_LOCK(name) spinlock_t name;
#endif

struct ml_either {
	ML_LOCK(lock)
	u8 buf[40000];
};
