/* Positive twins of union_fields.c: writes through the union's other member that do
 * change the tested bit-fields (a raw value not known, a zero over part of the union
 * only, which clears the opcode's byte), and a request whose type the run does not
 * define, so its command word may be a union whose members overlap. */
#define UH_CMD_POST 5

union uh_word {
	u64 raw;
	u8 low;
	struct {
		u64 opcode:5;
		u64 count:6;
		u64 group:8;
		u64 arg:45;
	} f;
};

struct uh_req {
	union uh_word w;
	u32 queue;
};

struct uh_dev {
	spinlock_t lock;
};

static int uh_send(struct uh_dev *d, struct uh_req *r)
{
	if (r->w.f.group == 0) {
		if (r->w.f.opcode == UH_CMD_POST)
			return 0;
	}
	msleep(1); /* expect: atomic-sleeping-call */
	return 0;
}

/* The raw word written after the opcode, with the caller's value: any group. */
void uh_set_raw(struct uh_dev *d, u64 raw)
{
	struct uh_req r;

	memset(&r, 0, sizeof(r));
	r.w.f.opcode = UH_CMD_POST;
	r.w.raw = raw;
	spin_lock(&d->lock);
	uh_send(d, &r);
	spin_unlock(&d->lock);
}

static int ui_send(struct uh_dev *d, struct uh_req *r)
{
	if (r->w.f.group == 0) {
		if (r->w.f.opcode == UH_CMD_POST)
			return 0;
	}
	msleep(2); /* expect: atomic-sleeping-call */
	return 0;
}

/* Zero written to the low byte only: it clears the opcode (opcode 0 waits). */
void ui_set_low(struct uh_dev *d)
{
	struct uh_req r;

	memset(&r, 0, sizeof(r));
	r.w.f.opcode = UH_CMD_POST;
	r.w.low = 0;
	spin_lock(&d->lock);
	ui_send(d, &r);
	spin_unlock(&d->lock);
}

static int uj_send(struct uh_dev *d, struct uj_req *r)
{
	if (r->w.f.group == 0) {
		if (r->w.f.opcode == UH_CMD_POST)
			return 0;
	}
	msleep(3); /* expect: atomic-sleeping-call */
	return 0;
}

/* `struct uj_req` is defined nowhere the run sees: its command word may be a union
 * whose raw member holds the group too. */
void uj_set_raw(struct uh_dev *d, u64 raw)
{
	struct uj_req r;

	memset(&r, 0, sizeof(r));
	r.w.f.opcode = UH_CMD_POST;
	r.w.raw = raw | 1;
	spin_lock(&d->lock);
	uj_send(d, &r);
	spin_unlock(&d->lock);
}
