/* An skb's destructor runs where the last reference is dropped: kfree_skb() or
 * consume_skb() in softirq, too. Another struct's `destructor` field is not one. */
struct sd_sock {
	struct mutex lock;
	int queued;
};

static void sd_wfree(struct sk_buff *skb)
{
	struct sd_sock *s = (struct sd_sock *)skb->sk;

	mutex_lock(&s->lock); /* expect: atomic-sleeping-call */
	s->queued--;
	mutex_unlock(&s->lock);
}

struct sd_cache {
	void (*destructor)(struct sd_sock *s);
};

static void sd_cache_free(struct sd_sock *s)
{
	mutex_lock(&s->lock);
	s->queued = 0;
	mutex_unlock(&s->lock);
}

static struct sd_cache sd_cache = {
	.destructor = sd_cache_free,
};

void sd_set_owner(struct sk_buff *skb, struct sd_sock *s)
{
	skb->destructor = sd_wfree;
	s->queued++;
}
