/* Kernel patterns that once misled the field index (negative cases). */

struct fw_desc { void *data; };
struct fw_sec { void *data; struct device *dev; void *buf; };

static int sec_load(struct fw_sec *sec, size_t len)
{
	sec->data = kmalloc(len, GFP_KERNEL);
	sec->dev = kzalloc(sizeof(*sec->dev), GFP_KERNEL);
	sec->buf = devm_kmalloc(sec->dev, len, GFP_KERNEL);
	return 0;
}

static int desc_load(struct fw_desc *desc, size_t len)
{
	void *data = vmalloc(len);

	/* Stored from a local, not from a call: the field index does not see it. */
	desc->data = data;
	return 0;
}

static void desc_free(struct fw_desc *desc, struct fw_sec *sec)
{
	/* Another struct's `data` field holds kmalloc memory: no finding here. */
	vfree(desc->data);
	/* devm_kfree(dev, ptr): the pointer is the second argument. */
	devm_kfree(sec->dev, sec->buf);
}
