/* Calls that take a gfp_t only to store or combine it (issue 10, pattern 5): setting a
 * mapping's allocation mask under a lock does not allocate. The positive twin passes
 * the same flags to a function that is not known to store them. */
struct kg_mapping;
struct kg_inode {
	spinlock_t lock;
	struct kg_mapping *i_mapping;
};

static void kg_nohighmem_neg(struct kg_inode *inode)
{
	mapping_set_gfp_mask(inode->i_mapping, GFP_USER);
}

static gfp_t kg_constraint_neg(struct kg_inode *inode)
{
	return mapping_gfp_constraint(inode->i_mapping, GFP_KERNEL);
}

static void kg_unknown_pos(struct kg_inode *inode)
{
	kg_store_and_fill(inode->i_mapping, GFP_USER); /* expect: atomic-sleeping-gfp */
}

void kg_init_locked(struct kg_inode *inode)
{
	spin_lock(&inode->lock);
	kg_nohighmem_neg(inode);
	kg_constraint_neg(inode);
	kg_unknown_pos(inode);
	spin_unlock(&inode->lock);
}
