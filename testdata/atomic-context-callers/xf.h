/* The xf driver: entry points, helpers and a header of its own, in several files. */
#ifndef XF_H
#define XF_H

struct xf_dev {
	spinlock_t lock;
	spinlock_t stats_lock;
	struct mutex cfg_lock;
	struct tasklet_struct tasklet;
	struct timer_list timer;
	struct hrtimer hrt;
	struct napi_struct napi;
	struct work_struct work;
	struct rcu_head rcu;
	struct xarray xa;
	local_lock_t llock;
	atomic_t refs;
	void *snapshot;
	void *ring;
	size_t len;
};

int xf_snapshot(struct xf_dev *xf);
void xf_log_event(struct xf_dev *xf);
void xf_global_lock(struct xf_dev *xf);
void xf_global_unlock(struct xf_dev *xf);

/* A static inline helper in the header: resolvable from every file that uses it. */
static inline void xf_stats_lock(struct xf_dev *xf)
{
	spin_lock(&xf->stats_lock);
}

static inline void xf_stats_unlock(struct xf_dev *xf)
{
	spin_unlock(&xf->stats_lock);
}

#endif
