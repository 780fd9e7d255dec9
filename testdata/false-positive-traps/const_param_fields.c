/* A pointer-to-const parameter is never written through, so what the function tests
 * of its fields stays a fact about the caller's object even after the pointer, or a
 * field's address, is handed on (`const struct kvec *buf = &params->send_buf;`, the
 * idpf virtchnl pattern). A caller under a lock that asks for the asynchronous path
 * returns before the wait. The positive twin takes the same steps through a pointer
 * to non-const, which the callee it is passed to may write: the test says nothing. */
struct vx_kvec {
	void *base;
	size_t len;
};

struct vx_params {
	u32 op;
	struct vx_kvec send_buf;
	bool async;
};

struct vx_dev {
	spinlock_t lock;
	struct completion done;
};

int vx_post(struct vx_dev *d, u32 op, const struct vx_kvec *buf);
int vx_post_rw(struct vx_dev *d, u32 op, struct vx_params *p);

static int vx_exec(struct vx_dev *d, const struct vx_params *params)
{
	const struct vx_kvec *buf = &params->send_buf;
	int ret;

	ret = vx_post(d, params->op, buf);
	if (ret)
		return ret;
	if (params->async)
		return 0;
	wait_for_completion_timeout(&d->done, HZ);
	return 0;
}

static int vx_exec_rw(struct vx_dev *d, struct vx_params *params)
{
	int ret;

	ret = vx_post_rw(d, params->op, params);
	if (ret)
		return ret;
	if (params->async)
		return 0;
	wait_for_completion_timeout(&d->done, HZ); /* expect: atomic-sleeping-call */
	return 0;
}

void vx_set_rx_mode(struct vx_dev *d)
{
	struct vx_params p = {};

	p.op = 3;
	p.async = true;
	spin_lock(&d->lock);
	vx_exec(d, &p);
	spin_unlock(&d->lock);
}

void vx_set_rx_mode_rw(struct vx_dev *d)
{
	struct vx_params p = {};

	p.op = 3;
	p.async = true;
	spin_lock(&d->lock);
	vx_exec_rw(d, &p);
	spin_unlock(&d->lock);
}
