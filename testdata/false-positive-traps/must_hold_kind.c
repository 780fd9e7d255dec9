/* __must_hold() names a lock without saying its kind. A mutex field that shares only
 * its last name (`lock`) with a spinlock the file takes elsewhere is not a spinlock:
 * the annotated function is not atomic (the Bluetooth ISO pattern: `hdev->lock` is a
 * mutex, `sk_list.lock` an rwlock). The positive twins name the lock by the same
 * expression, or by its last two components (`hw->lock` for `card->hw->lock`). */
struct mk_list {
	rwlock_t lock;
	int count;
};

struct mk_hw {
	spinlock_t lock;
	void *ring;
};

struct mk_card {
	struct mutex lock;
	struct mk_hw *hw;
	void *buf;
};

static struct mk_list mk_sockets;

int mk_count(void)
{
	int n;

	read_lock(&mk_sockets.lock);
	n = mk_sockets.count;
	read_unlock(&mk_sockets.lock);
	return n;
}

static void mk_card_ready(struct mk_card *card)
	__must_hold(&card->lock)
{
	card->buf = kzalloc(64, GFP_KERNEL);
	msleep(1);
}

void mk_hw_kick(struct mk_hw *hw)
{
	spin_lock(&hw->lock);
	hw->ring = NULL;
	spin_unlock(&hw->lock);
}

static void mk_hw_refill(struct mk_card *card)
	__must_hold(&card->hw->lock)
{
	card->hw->ring = kzalloc(64, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
}

static void mk_list_grow(void)
	__must_hold(&mk_sockets.lock)
{
	msleep(1); /* expect: atomic-sleeping-call */
}
