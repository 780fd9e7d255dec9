/* Positive twins of object_views.c: the callee writes the object before its test,
 * through the view (`tp->…`, or a helper that writes through the view it is given) or
 * through a macro used as an lvalue, so the caller's FIN_WAIT2 says nothing there and
 * the GFP_KERNEL helper stays reachable with bottom halves disabled. */
#define VF_SYN_RECV 3
#define VF_FIN_WAIT2 5
#define VF_STATE(sk) sk->sk_state

static void vf_advance(struct tcp_sock *tp)
{
	tp->snd_nxt++;
}

static void vf_set_field_rpl(struct sock *sk)
{
	kfree_skb(alloc_skb(64, GFP_KERNEL | __GFP_NOFAIL)); /* expect: atomic-sleeping-gfp */
}

static void vf_set_field_rpl2(struct sock *sk)
{
	kfree_skb(alloc_skb(64, GFP_KERNEL | __GFP_NOFAIL)); /* expect: atomic-sleeping-gfp */
}

static void vf_set_field_rpl3(struct sock *sk)
{
	kfree_skb(alloc_skb(64, GFP_KERNEL | __GFP_NOFAIL)); /* expect: atomic-sleeping-gfp */
}

static void vf_send_abort(struct sock *sk, struct sk_buff *skb)
{
	kfree_skb(skb);
}

/* Written through the view itself. */
static void vf_reset_direct(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->snd_nxt = 0;
	if (sk->sk_state != VF_SYN_RECV)
		vf_send_abort(sk, skb);
	else
		vf_set_field_rpl(sk);
}

/* A helper given the view writes through it. */
static void vf_reset_helper(struct sock *sk, struct sk_buff *skb)
{
	vf_advance(tcp_sk(sk));
	if (sk->sk_state != VF_SYN_RECV)
		vf_send_abort(sk, skb);
	else
		vf_set_field_rpl2(sk);
}

/* A macro used as an lvalue writes the object. */
static void vf_reset_macro(struct sock *sk, struct sk_buff *skb)
{
	VF_STATE(sk) = VF_SYN_RECV;
	if (sk->sk_state != VF_SYN_RECV)
		vf_send_abort(sk, skb);
	else
		vf_set_field_rpl3(sk);
}

void vf_close(struct sock *sk, int how)
{
	local_bh_disable();
	if (sk->sk_state == VF_FIN_WAIT2) {
		struct sk_buff *skb;

		skb = alloc_skb(64, GFP_ATOMIC);
		if (skb && how == 1)
			vf_reset_direct(sk, skb);
		else if (skb && how == 2)
			vf_reset_helper(sk, skb);
		else if (skb)
			vf_reset_macro(sk, skb);
	}
	local_bh_enable();
}
