/* A helper whose name another driver (c/) also defines: inside this driver the call
 * binds to this directory's definition, as the module link would. */
int stats_dump(struct stats_dev *s)
{
	s->buf = kmalloc(512, GFP_KERNEL); /* expect: atomic-sleeping-gfp */
	return s->buf ? 0 : -ENOMEM;
}
