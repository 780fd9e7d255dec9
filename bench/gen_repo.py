#!/usr/bin/env python3
"""Generates a synthetic driver repository of N C files (default 500) for the
pre-commit benchmark: every file has a lock-protected structure, ten functions that
take locks, allocate with GFP_ATOMIC/GFP_KERNEL correctly and call helpers in other
files. One bug spans files: drivers/d000/f000.c calls, under a spinlock, a helper
defined in an unchanged file (drivers/d025/f250.c) that allocates with GFP_KERNEL.

usage: gen_repo.py DIR [N]
"""
import os
import sys

root = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
os.makedirs(os.path.join(root, ".git"), exist_ok=True)
os.makedirs(os.path.join(root, "include"), exist_ok=True)
with open(os.path.join(root, "include", "drv.h"), "w") as h:
    h.write("struct drv { spinlock_t lock; void *buf; size_t len; int ready; };\n")
    for i in range(n):
        h.write(f"void drv{i}_helper(struct drv *d);\n")
for i in range(n):
    d = os.path.join(root, "drivers", f"d{i // 10:03}")
    os.makedirs(d, exist_ok=True)
    nxt = (i + 1) % n
    out = [f'// synthetic driver file {i}\n#include <linux/slab.h>\n#include "drv.h"\n\n']
    out.append(f"void drv{i}_helper(struct drv *d)\n{{\n")
    if i == 250:
        out.append("\td->buf = kmalloc(d->len, GFP_KERNEL);\n")
    else:
        out.append("\td->ready = 1;\n")
    out.append("}\n\n")
    for j in range(10):
        out.append(f"""static int drv{i}_op{j}(struct drv *d, size_t len)
{{
	unsigned long flags;
	void *tmp = kmalloc(len, GFP_KERNEL);

	if (!tmp)
		return -ENOMEM;
	spin_lock_irqsave(&d->lock, flags);
	if (d->ready && len > {j})
		d->buf = kmalloc(len, GFP_ATOMIC);
	else
		swap(d->buf, tmp);
	spin_unlock_irqrestore(&d->lock, flags);
	drv{nxt}_helper(d);
	kfree(tmp);
	return 0;
}}

""")
    if i == 0:
        out.append("""void drv0_bug(struct drv *d)
{
	spin_lock(&d->lock);
	drv250_helper(d);
	spin_unlock(&d->lock);
}
""")
    with open(os.path.join(d, f"f{i:03}.c"), "w") as f:
        f.write("".join(out))
