/* One level of a deep include chain (vdh_deep.c). */
#include <linux/vdh_deep/d40.h>
