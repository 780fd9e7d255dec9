/* A local that holds an allocator's result on one path and other memory on others
 * (a firmware image's data, a helper's buffer): which free runs is chosen by flags set
 * beside each store, so the allocator's family is not the local's. */
struct ms_fw {
	const unsigned char *data;
	unsigned long size;
};

static unsigned char *ms_from_efi(unsigned long *len);

static void ms_load(struct ms_fw *fw, unsigned long n)
{
	unsigned char *data = NULL;
	int from_vmalloc = 0, from_efi = 0;

	if (fw && fw->data) {
		data = (unsigned char *)fw->data;
	} else if ((data = vmalloc(n))) {
		from_vmalloc = 1;
	} else if ((data = ms_from_efi(&n))) {
		from_efi = 1;
	}
	if (from_vmalloc)
		vfree(data);
	if (from_efi)
		kfree(data);
}

static void ms_grow(unsigned long n)
{
	char *buf = kmalloc(n, GFP_KERNEL);

	buf += 16;
	vfree(buf);
}
