/* Bit-fields of a struct inside a union: a request's command word is a union of a
 * raw 64-bit value and a struct of bit-fields. The caller clears its local request,
 * zeroes the raw word, then sets the opcode and count bit-fields; the callee skips
 * the wait for posted commands of group 0. The opcode, count and group bit-fields
 * are distinct members of one struct (the union's other member), so writing the
 * opcode leaves the group as the clearing left it; zeroing the raw word, as large as
 * the union, zeroes every bit-field; and the address of the payload array, taken to
 * fill it, reaches that array only. Field names alone would take every path below
 * the command word as overlapping (it may be a union): the object's type decides.
 * Twins: union_fields_fires.c. */
#define UF_CMD_POST 5
#define UF_CMD_LIST 6

union uf_word {
	u64 raw;
	struct {
		u64 opcode:5;
		u64 count:6;
		u64 group:8;
		u64 arg:45;
	} f;
};

struct uf_req {
	union uf_word w;
	u64 data[4];
	u32 queue;
};

struct uf_dev {
	spinlock_t lock;
};

static int uf_send(struct uf_dev *d, struct uf_req *r)
{
	/* Posted commands are not waited for: the caller may hold a lock. */
	if (r->w.f.group == 0) {
		switch (r->w.f.opcode) {
		case UF_CMD_POST:
		case UF_CMD_LIST:
			return 0;
		}
	}
	msleep(1);
	return 0;
}

void uf_set_rx_mode(struct uf_dev *d, int n)
{
	struct uf_req r;
	u64 *p;

	memset(&r, 0, sizeof(r));
	r.w.raw = 0;
	r.w.f.opcode = UF_CMD_LIST;
	r.w.f.count = n;
	r.queue = 1;
	p = &r.data[0];
	*p = 7;
	spin_lock(&d->lock);
	uf_send(d, &r);
	spin_unlock(&d->lock);
}

/* The union declared in place, its raw member written last: zero over the whole
 * union, after the opcode was set, so the opcode is zero too and the group test
 * decides alone (group 0 and opcode 0 is not a posted command, so that callee tests
 * the group only). */
struct ug_req {
	union {
		u32 raw;
		struct {
			u16 opcode;
			u16 group;
		} f;
	} w;
	u32 queue;
};

static int ug_send(struct uf_dev *d, struct ug_req *r)
{
	if (r->w.f.group == 0)
		return 0;
	msleep(2);
	return 0;
}

void ug_set_rx_mode(struct uf_dev *d)
{
	struct ug_req r = { .queue = 3 };

	r.w.f.opcode = UF_CMD_POST;
	r.w.raw = 0;
	spin_lock(&d->lock);
	ug_send(d, &r);
	spin_unlock(&d->lock);
}
