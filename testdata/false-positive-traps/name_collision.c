/* Two drivers' functions of one name (issue 10, review: a call resolved to another
 * driver's function): a call whose argument count does not match the only definition
 * of that name in the run is not a call to it. The positive twin matches. */
struct nc_dev;
struct nc_skb;

int nc_rx(struct nc_dev *d, struct nc_skb *skb, void *stats)
{
	msleep(1);
	return 0;
}

int nc_rx_stats(struct nc_dev *d, struct nc_skb *skb, void *stats)
{
	msleep(1); /* expect: atomic-sleeping-call */
	return 0;
}

static void nc_rx_timer(struct timer_list *t)
{
	struct nc_dev *d = nc_from_timer(t);

	nc_rx(d, nc_next(d));
	nc_rx_stats(d, nc_next(d), NULL);
}

void nc_setup(struct nc_dev *d)
{
	timer_setup(&d->nc_timer, nc_rx_timer, 0);
}
