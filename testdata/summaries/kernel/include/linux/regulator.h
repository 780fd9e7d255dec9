/* A miniature kernel tree, written for gfplint's summaries fixture: the driver in
 * ../driver/ is checked with the summaries `gfplint summarize` derives from it. */
struct regulator;
int regulator_enable(struct regulator *r);
int clk_settle(struct regulator *r, int can_sleep);
void *mini_buf_alloc(unsigned int len, gfp_t gfp);
void mini_notify(struct regulator *r);
void mini_run_ops(struct regulator *r);
int mini_wait_if_allowed(struct regulator *r);
void mini_driver_helper(struct regulator *r);
int mini_get_sync(struct regulator *r);
void mini_lock_if_busy(struct regulator *r);
void mini_lock_always(struct regulator *r);
void *mini_vbuf(unsigned long n);
void *mini_vbuf_checked(unsigned long n);
void *mini_any_buf(unsigned long n);
void *mini_inner_buf(unsigned long n);
void mini_vbuf_free(const void *buf);
