/* A view of the object (issue 10): `tcp_sk(sk)` is `sk` as another type of the same
 * object (`[same_object]`). Calling it writes nothing, and a helper given the view (or
 * a value read through it) that writes nothing through it leaves the object alone, so
 * what the caller tested of `sk->sk_state` before handing it on still holds where the
 * callee tests it again: the close path resets only in FIN_WAIT2, and the helper
 * allocates with GFP_KERNEL only in SYN_RECV. Twins: object_views_fires.c. */
#define VW_SYN_RECV 3
#define VW_FIN_WAIT2 5

static int vw_flowc(struct sock *sk, int compl, unsigned int snd, unsigned int rcv)
{
	return compl + (int)(snd - rcv);
}

static unsigned int vw_window(struct tcp_sock *tp)
{
	return tp->snd_wnd;
}

static void vw_set_field_rpl(struct sock *sk)
{
	kfree_skb(alloc_skb(64, GFP_KERNEL | __GFP_NOFAIL));
}

static void vw_send_abort(struct sock *sk, struct sk_buff *skb)
{
	kfree_skb(skb);
}

static void vw_send_reset(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (vw_flowc(sk, 0, tp->snd_nxt, tp->rcv_nxt) < 0)
		pr_warn("flowc failed\n");
	if (vw_window(tcp_sk(sk)) > 4)
		pr_debug("window open\n");
	if (sk->sk_state != VW_SYN_RECV)
		vw_send_abort(sk, skb);
	else
		vw_set_field_rpl(sk);
}

void vw_close(struct sock *sk)
{
	local_bh_disable();
	bh_lock_sock(sk);
	if (sk->sk_state == VW_FIN_WAIT2 && tcp_sk(sk)->linger2 < 0) {
		struct sk_buff *skb;

		skb = alloc_skb(64, GFP_ATOMIC);
		if (skb)
			vw_send_reset(sk, skb);
	}
	bh_unlock_sock(sk);
	local_bh_enable();
}
