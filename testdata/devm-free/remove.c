#include "foo.h"

static int foo_remove(struct platform_device *pdev)
{
	struct foo_priv *priv = platform_get_drvdata(pdev);

	kfree(priv->buf); /* expect: devm-free */
	vfree(priv->table); /* expect: devm-free */
	kfree(priv->log);
	return 0;
}
