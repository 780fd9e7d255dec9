#define KHC_UAPI_SLOTS 4096
#define KHC_CONFLICT 1
struct khc_twice {
	u8 a[8];
};
