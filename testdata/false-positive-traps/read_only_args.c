/* A field tested after the object was handed to calls that only read it: the copy of
 * its command into a buffer (`memcpy()`'s source) and a message naming the device
 * leave the command as the caller set it, so a command the caller made the no-wait
 * one never waits. The positive twins are in read_only_args_fires.c. */
#define RO_CMD_SET_LIST 2
#define RO_CMD_RESET 7

struct ro_cmd {
	u8 cmd;
	u8 group;
};

struct ro_pkt {
	struct ro_cmd hdr;
	u32 len;
};

struct ro_dev {
	struct device *dev;
	spinlock_t lock;
	u8 buf[16];
};

static int ro_send(struct ro_dev *d, struct ro_pkt *pkt)
{
	memcpy(d->buf, &pkt->hdr, sizeof(pkt->hdr));
	dev_dbg(d->dev, "cmd %u for %p\n", pkt->hdr.cmd, pkt);
	if (pkt->hdr.cmd == RO_CMD_SET_LIST)
		return 0;
	msleep(10);
	return 0;
}

void ro_set_list(struct ro_dev *d)
{
	struct ro_pkt pkt = { .hdr = { .cmd = RO_CMD_SET_LIST } };

	spin_lock(&d->lock);
	ro_send(d, &pkt);
	spin_unlock(&d->lock);
}
