/* seed: odd shapes */
#define LOCKED(x) do { spin_lock(x); } while (0)
static inline void (*pick(int n))(void) { return n ? a : b; }
struct s { int (*fn)(void *, gfp_t); } __attribute__((packed, aligned(8)));
void weird(void) {
	char *s = "/* not a comment */ GFP_KERNEL";
	int c = '\'';
	spin_lock(&(l)); x = (__force gfp_t)(GFP_NOIO); kfree(kmalloc(1, (((GFP_KERNEL)))));
	xa_for_each(&xa, idx, entry) foo(entry);
	label: ;
	spin_unlock(&l);
	read_lock_bh(&rw); p = krealloc(p, n * 2, flags | GFP_KERNEL); read_unlock_bh(&rw);
}
