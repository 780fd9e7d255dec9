#define POOL_ORDER	(MAX_ORDER + 1)
#define POOL_BYTES	(SZ_4M * 2)
