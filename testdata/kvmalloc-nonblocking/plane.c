#include "plane.h"

/* sizeof through a macro-named type: 48 bytes, under a page, so kvzalloc() is a
 * plain kzalloc() whatever the flags: nothing to say. Above a page it is. */
int plane_create(struct plane **out, struct plane_set **set)
{
	struct plane *p = kvzalloc(sizeof(*p), GFP_ATOMIC);

	*set = kvzalloc(sizeof(struct plane_set), GFP_ATOMIC); /* expect: kvmalloc-nonblocking */
	*out = p;
	return p ? 0 : -ENOMEM;
}
