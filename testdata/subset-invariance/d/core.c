/* The core's body: it passes `gfp` to a static inline of a header not in the run. */
void core_color_notify(struct vif *vif, u64 bitmap, gfp_t gfp)
{
	core_netlink_color_notify(vif->dev, bitmap, gfp);
}
