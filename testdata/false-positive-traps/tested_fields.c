/* Value dispatch through what the caller tested: a message read into a local buffer
 * is handed to a dispatcher only for the commands that are safe in the interrupt
 * handler; the dispatcher sleeps (or allocates with GFP_KERNEL) only for another
 * command, reading the command through a local copy of its parameter. The positive
 * twins are in tested_fields_fires.c. */
#define HM_CONNECT 1
#define HM_DISCONNECT 2
#define HM_ENUM 3
#define HM_PROPS 4
#define HM_FLOW 5

struct hm_msg {
	u8 cmd;
	u8 len;
};

struct hm_flow {
	u8 cmd;
	u8 credits;
};

struct hm_dev {
	spinlock_t lock;
	void *clients;
	int credits;
};

static void hm_dispatch(struct hm_dev *dev, struct hm_msg *hdr)
{
	struct hm_msg *msg;

	msg = hdr;
	switch (msg->cmd) {
	case HM_CONNECT:
	case HM_DISCONNECT:
		dev->credits = 0;
		break;
	case HM_ENUM:
		dev->clients = kcalloc(msg->len, 16, GFP_KERNEL);
		break;
	case HM_PROPS:
		msleep(1);
		break;
	}
}

static void hm_flow_control(struct hm_dev *dev, struct hm_flow *fc)
{
	dev->credits += fc->credits;
}

/* Called from the hard-IRQ handler. */
static void hm_recv(struct hm_dev *dev)
{
	u8 buf[64];
	struct hm_msg *msg = (struct hm_msg *)buf;

	memcpy_fromio(buf, dev->clients, sizeof(buf));
	if (msg->cmd == HM_FLOW) {
		struct hm_flow *fc = (struct hm_flow *)msg;

		hm_flow_control(dev, fc);
		return;
	}
	if (msg->cmd == HM_CONNECT || msg->cmd == HM_DISCONNECT)
		hm_dispatch(dev, msg);
}

static irqreturn_t hm_irq(int irq, void *data)
{
	struct hm_dev *dev = data;

	hm_recv(dev);
	return IRQ_HANDLED;
}

int hm_probe(struct hm_dev *dev, int irq)
{
	return request_irq(irq, hm_irq, 0, "hm", dev);
}

/* The same under a spinlock, with the test as a `!=` that returns early. */
void hm_poll(struct hm_dev *dev, struct hm_msg *in)
{
	struct hm_msg *msg = in;

	spin_lock(&dev->lock);
	if (msg->cmd != HM_CONNECT) {
		spin_unlock(&dev->lock);
		return;
	}
	hm_dispatch(dev, msg);
	spin_unlock(&dev->lock);
}
