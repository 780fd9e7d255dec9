/* `#include "x.h"` that is not next to the file: looked for in the directories above
 * it (drivers add their top directory to the include path), not in siblings. */
#include "incroot_ring.h"
#include "incroot_side.h"
#include "incroot_fixed.h"

void *incroot_alloc(void)
{
	void *buf;

	/* 1024 rings of 64 bytes: 64 KiB, order 4. */
	buf = kcalloc(1024, sizeof(struct incroot_ring), GFP_KERNEL); /* expect: kmalloc-costly-order */
	/* The same size, but the header is in other/, which hw/ does not see: unknown. */
	buf = kcalloc(1024, sizeof(struct incroot_side), GFP_KERNEL);
	/* In include/ above hw/: found. */
	buf = kcalloc(1024, sizeof(struct incroot_fixed), GFP_KERNEL); /* expect: kmalloc-costly-order */
	return buf;
}
