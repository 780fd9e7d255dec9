/* A uapi-style enum whose enumerators announce themselves as macros. */
enum {
	VDH_BASE = 16,
#define VDH_BASE VDH_BASE
	VDH_NEWADDR = 20,
#define VDH_NEWADDR VDH_NEWADDR
	VDH_DELADDR,
#define VDH_DELADDR VDH_DELADDR
	VDH_GETADDR,
#define VDH_GETADDR VDH_GETADDR
};
