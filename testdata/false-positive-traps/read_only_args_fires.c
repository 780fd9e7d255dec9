/* Positive twins of read_only_args.c: the object is the destination of the copy, so
 * its command may be anything when it is tested. */
#define RP_CMD_SET_LIST 2

struct rp_cmd {
	u8 cmd;
	u8 group;
};

struct rp_pkt {
	struct rp_cmd hdr;
	u32 len;
};

struct rp_dev {
	spinlock_t lock;
	u8 buf[16];
};

static int rp_recv(struct rp_dev *d, struct rp_pkt *pkt)
{
	memcpy(&pkt->hdr, d->buf, sizeof(pkt->hdr));
	if (pkt->hdr.cmd == RP_CMD_SET_LIST)
		return 0;
	msleep(10); /* expect: atomic-sleeping-call */
	return 0;
}

void rp_set_list(struct rp_dev *d)
{
	struct rp_pkt pkt = { .hdr = { .cmd = RP_CMD_SET_LIST } };

	spin_lock(&d->lock);
	rp_recv(d, &pkt);
	spin_unlock(&d->lock);
}
