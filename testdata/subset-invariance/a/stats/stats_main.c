struct stats_dev {
	spinlock_t lock;
	void *buf;
};

int stats_get(struct stats_dev *s)
{
	int err;

	spin_lock(&s->lock);
	err = stats_dump(s);
	spin_unlock(&s->lock);
	return err;
}
