/* Positive twins of tested_fields.c: what the caller tested does not rule the sleep
 * out when the tested values include the sleeping command, when the message may
 * have changed between the test and the call (written through a copy, handed to
 * another function), or when the dispatcher's local is not only its parameter. */
#define JM_CONNECT 1
#define JM_ENUM 3
#define JM_PROPS 4

struct jm_msg {
	u8 cmd;
	u8 len;
};

struct jm_dev {
	spinlock_t lock;
	void *clients;
};

static void jm_dispatch(struct jm_dev *dev, struct jm_msg *hdr)
{
	struct jm_msg *msg = hdr;

	switch (msg->cmd) {
	case JM_CONNECT:
		break;
	case JM_PROPS:
		msleep(1); /* expect: atomic-sleeping-call */
		break;
	}
}

/* The sleeping command is among the tested ones. */
void jm_poll_props(struct jm_dev *dev, void *buf)
{
	struct jm_msg *msg = buf;

	spin_lock(&dev->lock);
	if (msg->cmd == JM_CONNECT || msg->cmd == JM_PROPS)
		jm_dispatch(dev, msg);
	spin_unlock(&dev->lock);
}

void jm_fixup(struct jm_msg *msg);

static void jm_dispatch_fixed(struct jm_dev *dev, struct jm_msg *hdr)
{
	struct jm_msg *msg = hdr;

	switch (msg->cmd) {
	case JM_CONNECT:
		break;
	case JM_PROPS:
		msleep(1); /* expect: atomic-sleeping-call */
		break;
	}
}

/* Handed to another function after the test: the command may have changed. */
void jm_poll_fixed(struct jm_dev *dev, void *buf)
{
	struct jm_msg *msg = buf;

	spin_lock(&dev->lock);
	if (msg->cmd == JM_CONNECT) {
		jm_fixup(msg);
		jm_dispatch_fixed(dev, msg);
	}
	spin_unlock(&dev->lock);
}

/* Written through a copy after the test. */
static void jm_dispatch_copied(struct jm_dev *dev, struct jm_msg *hdr)
{
	struct jm_msg *msg = hdr;

	switch (msg->cmd) {
	case JM_CONNECT:
		break;
	case JM_PROPS:
		msleep(1); /* expect: atomic-sleeping-call */
		break;
	}
}

void jm_poll_copied(struct jm_dev *dev, void *buf)
{
	struct jm_msg *msg = buf;
	struct jm_msg *alias = msg;

	spin_lock(&dev->lock);
	if (msg->cmd == JM_CONNECT) {
		alias->cmd = JM_PROPS;
		jm_dispatch_copied(dev, msg);
	}
	spin_unlock(&dev->lock);
}

/* The dispatcher's local is its parameter on one path only. */
static void jm_dispatch_either(struct jm_dev *dev, struct jm_msg *hdr, struct jm_msg *other)
{
	struct jm_msg *msg = hdr;

	if (!msg->len)
		msg = other;
	if (msg->cmd == JM_ENUM)
		dev->clients = kcalloc(msg->len, 16, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
}

void jm_poll_either(struct jm_dev *dev, void *buf, struct jm_msg *other)
{
	struct jm_msg *msg = buf;

	spin_lock(&dev->lock);
	if (msg->cmd == JM_CONNECT)
		jm_dispatch_either(dev, msg, other);
	spin_unlock(&dev->lock);
}
