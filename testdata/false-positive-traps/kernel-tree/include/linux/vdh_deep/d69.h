/* The end of the chain: 70 headers deep from vdh_deep.c. */
#define VDH_DEEP_DELADDR	21
