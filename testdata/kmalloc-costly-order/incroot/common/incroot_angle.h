/* Included as `<incroot_angle.h>`: the Makefile's `-I $(src)/../common` (cxl's
 * `<cxlmem.h>`, qat's `<adf_accel_devices.h>`); no kernel header has the name, so the
 * one header of that name below the subsystem. */
struct incroot_angle {
	u8 desc[64];
};
