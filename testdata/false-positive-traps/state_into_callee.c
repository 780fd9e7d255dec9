/* What a caller's test says of its object holds inside the callee it hands the object
 * to: a close path that resets a connection only in FIN_WAIT2 reaches the reset
 * helper, which allocates with GFP_KERNEL only for a connection in SYN_RECV, and which
 * allocates its own buffer only when it was given none (the caller tested its buffer
 * non-NULL just before). The positive twins are in state_into_callee_fires.c. */
#define CN_SYN_RECV 3
#define CN_FIN_WAIT2 5

struct cn_conn {
	int state;
	spinlock_t lock;
};

static struct sk_buff *cn_ctrl_skb(void)
{
	return alloc_skb(64, GFP_KERNEL | __GFP_NOFAIL);
}

static void cn_send_abort(struct cn_conn *c, struct sk_buff *skb)
{
	if (!skb)
		skb = cn_ctrl_skb();
	kfree_skb(skb);
}

static void cn_set_field_rpl(struct cn_conn *c)
{
	kfree_skb(alloc_skb(64, GFP_KERNEL | __GFP_NOFAIL));
}

static void cn_send_reset(struct cn_conn *c, struct sk_buff *skb)
{
	if (c->state != CN_SYN_RECV)
		cn_send_abort(c, skb);
	else
		cn_set_field_rpl(c);
}

void cn_close(struct cn_conn *c)
{
	local_bh_disable();
	if (c->state == CN_FIN_WAIT2) {
		struct sk_buff *skb;

		skb = alloc_skb(64, GFP_ATOMIC);
		if (skb)
			cn_send_reset(c, skb);
	}
	local_bh_enable();
}
