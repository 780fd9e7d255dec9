/* Code in a conditional the file itself decides is not compiled (issue 10, review:
 * a sleep inside `#ifndef final_version` in a file that defines `final_version`).
 * Branches that depend on names the file does not define stay analysed (the twins). */
#define db_final_version
#define DB_DEBUG 0

struct db {
	spinlock_t lock;
	int state;
};

static void db_irq(struct db *d)
{
	spin_lock(&d->lock);
#ifndef db_final_version
	msleep(1);
#endif
#if DB_DEBUG
	msleep(2);
#endif
#if 0
	msleep(3);
#endif
#ifdef db_final_version
	msleep(4); /* expect: atomic-sleeping-call */
#endif
#ifdef CONFIG_DB_SLOW
	msleep(5); /* expect: atomic-sleeping-call */
#endif
	spin_unlock(&d->lock);
}
