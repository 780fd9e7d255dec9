struct ring_priv {
	void *ring;
	void *desc;
	void *tbl;
	struct {
		void *bufs[16];
	} rx;
};
