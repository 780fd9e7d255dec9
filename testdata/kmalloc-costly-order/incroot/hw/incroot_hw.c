/* `#include "x.h"` that is not next to the file: looked for in the directories above
 * it (drivers add their top directory to the include path), else the one header of
 * that name below the subsystem (a driver's own -I directory); two: unknown. */
#include "incroot_ring.h"
#include "incroot_side.h"
#include "incroot_fixed.h"
#include "incroot_dup.h"
#include <incroot_angle.h>

void *incroot_alloc(void)
{
	void *buf;

	/* 1024 rings of 64 bytes: 64 KiB, order 4. */
	buf = kcalloc(1024, sizeof(struct incroot_ring), GFP_KERNEL); /* expect: kmalloc-costly-order */
	/* The same size, from the only incroot_side.h, in other/. */
	buf = kcalloc(1024, sizeof(struct incroot_side), GFP_KERNEL); /* expect: kmalloc-costly-order */
	/* Two incroot_dup.h (dup_a/, dup_b/): unknown. */
	buf = kcalloc(1024, sizeof(struct incroot_dup), GFP_KERNEL);
	/* In include/ above hw/: found. */
	buf = kcalloc(1024, sizeof(struct incroot_fixed), GFP_KERNEL); /* expect: kmalloc-costly-order */
	/* `<…>` without a directory, through a -I directory: found. */
	buf = kcalloc(1024, sizeof(struct incroot_angle), GFP_KERNEL); /* expect: kmalloc-costly-order */
	buf = kcalloc(512, sizeof(struct incroot_angle), GFP_KERNEL);
	return buf;
}
