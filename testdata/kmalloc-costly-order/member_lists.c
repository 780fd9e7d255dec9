#include "member_lists.h"

/* A list in the file's own struct: the functions below it still parse. */
#define ML_LOCAL(type) \
	type a; \
	type b;

struct ml_local {
	ML_LOCAL(u64)
	u8 buf[32752];
};

void *member_lists(void)
{
	void *p;

	p = kmalloc(sizeof(struct ml_shift), GFP_KERNEL); /* 2,051 bytes */
	p = kcalloc(4, sizeof(struct ml_shift), GFP_KERNEL);
	p = kcalloc(16, sizeof(struct ml_shift), GFP_KERNEL); /* expect: kmalloc-costly-order */
	p = kmalloc(sizeof(struct ml_mask), GFP_KERNEL); /* 8,204 bytes: order 2 */
	p = kcalloc(4, sizeof(struct ml_mask), GFP_KERNEL); /* expect: kmalloc-costly-order */
	p = kcalloc(4, sizeof(struct ml_tail), GFP_KERNEL); /* 4 x 32,768: order 5, costly */ /* expect: kmalloc-costly-order */
	p = kmalloc(sizeof(struct ml_tail), GFP_KERNEL); /* exactly 32,768: order 3 */
	p = kmalloc(sizeof(struct ml_unknown), GFP_KERNEL);
	p = kmalloc(sizeof(struct ml_after), GFP_KERNEL); /* expect: kmalloc-costly-order */
	p = kmalloc(sizeof(struct ml_either), GFP_KERNEL);
	p = kmalloc(sizeof(struct ml_local), GFP_KERNEL); /* 16 + 32,752 = 32,768: order 3 */
	p = kcalloc(2, sizeof(struct ml_local), GFP_KERNEL); /* expect: kmalloc-costly-order */
	return p;
}

/* Functions after the lists are analysed as usual. */
void ml_under_lock(spinlock_t *lock)
{
	void *p;

	spin_lock(lock);
	p = kmalloc(64, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	spin_unlock(lock);
	kfree(p);
}
