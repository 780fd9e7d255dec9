/* A kernel header the run over drivers/ does not contain: its constants are read from
 * the tree (the file's `#include <…>` closure). */
#include <linux/khc_uapi.h>

#define KHC_ALEN 6
#define KHC_SLOTS (KHC_UAPI_SLOTS * 2)
/* Given another value in the uapi header: unknown, so silent. */
#define KHC_CONFLICT 4096

/* Types no compiler table knows (a module the table's build did not probe): laid out
 * from their definitions here, as a driver's own types are. 4,104 bytes. */
struct khc_ring {
	u8 slots[KHC_UAPI_SLOTS];
	u32 head;
	u32 tail;
};
typedef struct khc_ring khc_ring_t;
/* A tag defined as another (`#define radix_tree_root xarray`). */
#define khc_alias khc_ring
/* A member under a configuration option: unknown without a .config. */
struct khc_debug {
	u32 level;
#ifdef CONFIG_KHC_DEBUG
	u8 log[65536];
#endif
};
/* Defined by two headers of the closure, differently: unknown. */
struct khc_twice {
	u8 a[65536];
};

/* A fallback the configuration overrides (threads.h's `CONFIG_NR_CPUS 1`): a define
 * under a CONFIG_ conditional holds for some configurations only, so it is unknown. */
#ifndef CONFIG_KHC_CPUS
#define CONFIG_KHC_CPUS 1
#endif
#define khc_cpu_ids ((unsigned int)CONFIG_KHC_CPUS)
#define KHC_ONE 1
