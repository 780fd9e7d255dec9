/* libata calls a port's `qc_issue`, `bmdma_stop`, `freeze` and `thaw` with the host lock
 * held and interrupts off. A power-management table's `.freeze`/`.thaw` (struct
 * dev_pm_ops) may sleep: the hint is the initialised type. */
struct ap_priv {
	struct completion dma_done;
	struct mutex lock;
};

static unsigned int ap_qc_issue(struct ata_queued_cmd *qc)
{
	usleep_range(1000, 1050); /* expect: atomic-sleeping-call */
	return 0;
}

static void ap_bmdma_stop(struct ata_queued_cmd *qc)
{
	struct ap_priv *pd = qc->ap->private_data;

	wait_for_completion_timeout(&pd->dma_done, HZ); /* expect: atomic-sleeping-call */
}

static void ap_port_freeze(struct ata_port *ap)
{
	writel(0, ap->ioaddr.ctl_addr);
}

static int ap_pm_freeze(struct device *dev)
{
	struct ap_priv *pd = dev_get_drvdata(dev);

	mutex_lock(&pd->lock);
	mutex_unlock(&pd->lock);
	return 0;
}

static int ap_pm_thaw(struct device *dev)
{
	msleep(10);
	return 0;
}

static struct ata_port_operations ap_port_ops = {
	.inherits = &ata_bmdma_port_ops,
	.qc_issue = ap_qc_issue,
	.bmdma_stop = ap_bmdma_stop,
	.freeze = ap_port_freeze,
};

static const struct dev_pm_ops ap_pm_ops = {
	.freeze = ap_pm_freeze,
	.thaw = ap_pm_thaw,
};
