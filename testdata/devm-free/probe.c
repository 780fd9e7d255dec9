#include "foo.h"

static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv;
	char *name;
	void *scratch;
	int err;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->buf = devm_kmalloc(&pdev->dev, 512, GFP_KERNEL);
	priv->table = devm_kcalloc(&pdev->dev, 16, sizeof(u32), GFP_KERNEL);
	priv->log = kmalloc(64, GFP_KERNEL);
	name = devm_kasprintf(&pdev->dev, GFP_KERNEL, "foo-%d", pdev->id);
	scratch = kmalloc(64, GFP_KERNEL);

	err = foo_hw_init(priv);
	if (err) {
		kfree(name); /* expect: devm-free */
		kfree(scratch);
		kfree(priv); /* expect: devm-free */
		return err;
	}
	/* Releasing early the right way. */
	devm_kfree(&pdev->dev, priv->table);
	kfree(scratch);
	return 0;
}
