/* APIs whose sleeping depends on how their object was set up (`setup_dependent` in
 * lints/api.toml): a regmap's lock is a spinlock for fast_io maps and a mutex
 * otherwise; a mailbox client blocks only with tx_block. When the run defines them,
 * their bodies are not followed: a sleep on one of their setup-dependent paths is not
 * reported through a caller holding a lock. A helper of the driver's own, with the
 * same body, still is. */
struct regmap {
	bool async;
	void *work_buf;
};

struct mbox_chan {
	bool tx_block;
	struct completion tx_complete;
};

/* The core's bodies, as the run would define them (drivers/base/regmap, mailbox). */
int regmap_bulk_write(struct regmap *map, unsigned int reg, const void *val, size_t count)
{
	if (map->async)
		map->work_buf = kzalloc(count, GFP_KERNEL);
	return 0;
}

int mbox_send_message(struct mbox_chan *chan, void *mssg)
{
	if (chan->tx_block)
		wait_for_completion_timeout(&chan->tx_complete, 100);
	return 0;
}

/* The driver's own helper with the same body: followed. */
static int st_bulk_write(struct regmap *map, unsigned int reg, const void *val, size_t count)
{
	if (map->async)
		map->work_buf = kzalloc(count, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	return 0;
}

struct st_rtc {
	spinlock_t lock;
	struct regmap *map;
	struct mbox_chan *chan;
};

static int st_set_time(struct st_rtc *rtc, const u8 *regs)
{
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&rtc->lock, flags);
	ret = regmap_bulk_write(rtc->map, 0x10, regs, 4);
	mbox_send_message(rtc->chan, (void *)regs);
	spin_unlock_irqrestore(&rtc->lock, flags);
	return ret;
}

static int st_set_alarm(struct st_rtc *rtc, const u8 *regs)
{
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&rtc->lock, flags);
	ret = st_bulk_write(rtc->map, 0x20, regs, 4);
	spin_unlock_irqrestore(&rtc->lock, flags);
	return ret;
}
