/* A kernel header the run over drivers/ does not contain: its constants are read from
 * the tree (the file's `#include <…>` closure). */
#include <linux/khc_uapi.h>

#define KHC_ALEN 6
#define KHC_SLOTS (KHC_UAPI_SLOTS * 2)
/* Given another value in the uapi header: unknown, so silent. */
#define KHC_CONFLICT 4096
