/* A driver's own names for GFP flags, defined in its header. */
#define FOO_HDR_GFP	(FOO_BASE_GFP | __GFP_ZERO)
#define FOO_BASE_GFP	GFP_KERNEL
#define FOO_HDR_ATOMIC	GFP_ATOMIC
