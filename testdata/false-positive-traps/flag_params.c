/* A flag parameter turns the sleeping branch off: callers passing a literal false
 * must not be reported; callers passing true must. (Reviewed pattern: the most common
 * false positive on the 6.1 drivers/ tree.) */
struct hw {
	spinlock_t lock;
	int busy;
};

static void hw_cmd(struct hw *hw, bool may_sleep)
{
	if (may_sleep)
		msleep(10); /* expect: atomic-sleeping-call */
	else
		udelay(10);
}

/* The flag passes through a second function unchanged. */
static void hw_set_mode(struct hw *hw, int mode, bool sleep_ok)
{
	hw->busy = mode;
	hw_cmd(hw, sleep_ok);
}

/* Early return on the flag. */
static void hw_sync(struct hw *hw, int sync)
{
	if (!sync)
		return;
	wait_for_completion(&hw->done);
}

void hw_rx_mode(struct hw *hw)
{
	spin_lock_bh(&hw->lock);
	hw_cmd(hw, false);
	hw_set_mode(hw, 1, false);
	hw_sync(hw, 0);
	spin_unlock_bh(&hw->lock);
}

void hw_reset_locked(struct hw *hw)
{
	spin_lock(&hw->lock);
	hw_cmd(hw, true);
	spin_unlock(&hw->lock);
}

void hw_process(struct hw *hw)
{
	hw_set_mode(hw, 2, true);
	hw_sync(hw, 1);
}
