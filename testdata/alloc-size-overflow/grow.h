#define GROW_ENTRIES	64
#define GROW_ENTRY_SIZE	32
#define GROW_SIZEOF_ENTRY	(sizeof(struct item) * 2)
