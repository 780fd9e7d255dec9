/* Another driver's function of the same name (it does not sleep). */
int stats_dump(struct other_dev *o)
{
	o->count++;
	return 0;
}
