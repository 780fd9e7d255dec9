/* Positive twins of state_into_callee.c: the caller's test admits the state that
 * allocates, or the buffer it passes may be NULL. */
#define DN_SYN_RECV 3
#define DN_FIN_WAIT2 5

struct dn_conn {
	int state;
	spinlock_t lock;
};

static struct sk_buff *dn_ctrl_skb(void)
{
	return alloc_skb(64, GFP_KERNEL | __GFP_NOFAIL); /* expect: atomic-sleeping-gfp */
}

static void dn_send_abort(struct dn_conn *c, struct sk_buff *skb)
{
	if (!skb)
		skb = dn_ctrl_skb();
	kfree_skb(skb);
}

static void dn_set_field_rpl(struct dn_conn *c)
{
	kfree_skb(alloc_skb(64, GFP_KERNEL | __GFP_NOFAIL)); /* expect: atomic-sleeping-gfp */
}

static void dn_send_reset(struct dn_conn *c, struct sk_buff *skb)
{
	if (c->state != DN_SYN_RECV)
		dn_send_abort(c, skb);
	else
		dn_set_field_rpl(c);
}

/* SYN_RECV is among the states tested. */
void dn_close_syn(struct dn_conn *c, struct sk_buff *skb)
{
	local_bh_disable();
	if (c->state == DN_SYN_RECV || c->state == DN_FIN_WAIT2) {
		if (skb)
			dn_send_reset(c, skb);
	}
	local_bh_enable();
}

/* The buffer is tested, then replaced by one that may be NULL. */
void dn_close_fin(struct dn_conn *c)
{
	struct sk_buff *skb = alloc_skb(64, GFP_ATOMIC);

	local_bh_disable();
	if (c->state == DN_FIN_WAIT2 && skb) {
		skb = skb_dequeue_any(c);
		dn_send_reset(c, skb);
	}
	local_bh_enable();
}
