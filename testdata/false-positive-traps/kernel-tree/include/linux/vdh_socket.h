#include <linux/vdh_netlink.h>

#define VDH_MSG_DONTWAIT	0x40
#define VDH_MSG_ZEROCOPY	0x4000000
