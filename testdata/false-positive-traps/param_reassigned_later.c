/* A flag parameter that the body assigns later still tells the caller's value where
 * it is tested before every assignment: `if (flags & RL_ZEROCOPY)` reads what the
 * caller passed, even though `flags &= ~RL_SPLICE` comes further down (the
 * __ip6_append_data() pattern). Callers passing RL_DONTWAIT alone never reach the
 * sleeping allocation. The positive twins test the parameter after it may have been
 * assigned (a loop, a later statement): those tests say nothing about the caller. */
#define RL_DONTWAIT	0x40
#define RL_SPLICE	0x8000
#define RL_ZEROCOPY	0x4000000

static int rl_append(struct rl_sock *sk, int length, unsigned int flags)
{
	void *uarg;

	if ((flags & RL_ZEROCOPY) && length) {
		uarg = kzalloc(length, GFP_KERNEL);
		if (!uarg)
			return -ENOBUFS;
		sk->uarg = uarg;
	} else if ((flags & RL_SPLICE) && length) {
		flags &= ~RL_SPLICE;
	}
	return rl_copy(sk, length, flags);
}

static int rl_append_late(struct rl_sock *sk, int length, unsigned int flags)
{
	if (sk->zerocopy)
		flags |= RL_ZEROCOPY;
	if (flags & RL_ZEROCOPY)
		sk->uarg = kzalloc(length, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	return 0;
}

static int rl_append_loop(struct rl_sock *sk, int length, unsigned int flags)
{
	while (length-- > 0) {
		if (flags & RL_ZEROCOPY)
			sk->uarg = kzalloc(8, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
		flags = rl_next_flags(sk);
	}
	return 0;
}

void rl_send_control(struct rl_sock *sk)
{
	local_bh_disable();
	rl_append(sk, 64, RL_DONTWAIT);
	rl_append_late(sk, 64, RL_DONTWAIT);
	rl_append_loop(sk, 64, RL_DONTWAIT);
	local_bh_enable();
}
