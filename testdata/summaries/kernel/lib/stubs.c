/* Miniature library (written for the summaries fixture): bodies that contradict
 * lints/api.toml, which must keep winning over any summary. */

/* A sleeping call the tables know: a non-sleeping body here changes nothing. */
void msleep(unsigned int msecs)
{
}
EXPORT_SYMBOL(msleep);

/* A free the tables know: a sleeping body here changes nothing. */
void kfree(const void *p)
{
	mutex_lock(&free_lock);
	mutex_unlock(&free_lock);
}
EXPORT_SYMBOL(kfree);

/* Allocates its table on first use only, which drivers make at probe
 * ([never_sleeps]): the allocation here changes nothing. */
void __iomem *const *pcim_iomap_table(struct pci_dev *pdev)
{
	return kmalloc(64, GFP_KERNEL);
}
EXPORT_SYMBOL(pcim_iomap_table);
