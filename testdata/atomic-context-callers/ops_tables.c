/* Ops tables whose callbacks the core runs with a spinlock held or interrupts off, as
 * their kernel-doc says: clk_ops enable/disable (enable_lock), uart_ops tx/rx/modem
 * control (port->lock), irq_chip mask/ack/eoi (desc->lock, hard IRQ), ndo_get_stats64
 * (RCU). The process-context members of the same tables (prepare, startup,
 * irq_bus_sync_unlock) may sleep. A dma_fence's enable_signaling and a console's write
 * are not entry points (left out of lints/api.toml: their findings were on infeasible
 * paths). */
#include <linux/clk-provider.h>
#include <linux/serial_core.h>
#include <linux/irq.h>
#include <linux/console.h>
#include <linux/netdevice.h>
#include <linux/dma-fence.h>

struct ot_chip {
	struct mutex bus_lock;
	struct i2c_client *client;
	u8 mask;
};

static int ot_clk_enable(struct clk_hw *hw)
{
	msleep(1); /* expect: atomic-sleeping-call */
	return 0;
}

static int ot_clk_prepare(struct clk_hw *hw)
{
	msleep(1);
	return 0;
}

static const struct clk_ops ot_clk_ops = {
	.prepare = ot_clk_prepare,
	.enable = ot_clk_enable,
};

static void ot_start_tx(struct uart_port *port)
{
	struct ot_chip *c = port->private_data;

	mutex_lock(&c->bus_lock); /* expect: atomic-sleeping-call */
	mutex_unlock(&c->bus_lock);
}

static int ot_startup(struct uart_port *port)
{
	struct ot_chip *c = port->private_data;

	mutex_lock(&c->bus_lock);
	mutex_unlock(&c->bus_lock);
	return 0;
}

static const struct uart_ops ot_uart_ops = {
	.startup = ot_startup,
	.start_tx = ot_start_tx,
};

static void ot_irq_mask(struct irq_data *d)
{
	struct ot_chip *c = irq_data_get_irq_chip_data(d);

	c->mask |= 1;
}

static void ot_irq_unmask(struct irq_data *d)
{
	struct ot_chip *c = irq_data_get_irq_chip_data(d);

	mutex_lock(&c->bus_lock); /* expect: atomic-sleeping-call */
	c->mask &= ~1;
	mutex_unlock(&c->bus_lock);
}

static void ot_irq_bus_sync_unlock(struct irq_data *d)
{
	struct ot_chip *c = irq_data_get_irq_chip_data(d);

	msleep(1);
	mutex_unlock(&c->bus_lock);
}

static struct irq_chip ot_irq_chip = {
	.irq_mask = ot_irq_mask,
	.irq_unmask = ot_irq_unmask,
	.irq_bus_sync_unlock = ot_irq_bus_sync_unlock,
};

static bool ot_fence_enable_signaling(struct dma_fence *f)
{
	msleep(1);
	return true;
}

static const struct dma_fence_ops ot_fence_ops = {
	.enable_signaling = ot_fence_enable_signaling,
};

static void ot_console_write(struct console *co, const char *s, unsigned int n)
{
	msleep(1);
}

static struct console ot_console = {
	.name = "ot",
	.write = ot_console_write,
};

/* A `.write` in another table (a file's). */
static ssize_t ot_file_write(struct file *f, const char __user *b, size_t n, loff_t *p)
{
	msleep(1);
	return n;
}

static const struct file_operations ot_fops = {
	.write = ot_file_write,
};

static void ot_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	struct ot_chip *c = netdev_priv(dev);

	mutex_lock(&c->bus_lock); /* expect: atomic-sleeping-call */
	mutex_unlock(&c->bus_lock);
}

static const struct net_device_ops ot_netdev_ops = {
	.ndo_get_stats64 = ot_get_stats64,
};

/* irq_chip callbacks the genirq core calls with the descriptor's raw spinlock held
 * (irq_set_type, irq_startup, …); a driver's own ops with a field of the same name are
 * not one. */
struct ot_gpio {
	struct irq_chip chip;
	struct mutex lock;
	int type;
};

static int ot_irq_set_type(struct irq_data *d, unsigned int type)
{
	struct ot_gpio *g = irq_data_get_irq_chip_data(d);

	mutex_lock(&g->lock); /* expect: atomic-sleeping-call */
	g->type = type;
	mutex_unlock(&g->lock);
	return 0;
}

static const struct irq_chip ot_irq_chip = {
	.name = "ot",
	.irq_set_type = ot_irq_set_type,
};

struct ot_fw_ops {
	int (*irq_enable)(struct ot_gpio *g);
};

static int ot_fw_irq_enable(struct ot_gpio *g)
{
	mutex_lock(&g->lock);
	g->type = 0;
	mutex_unlock(&g->lock);
	return 0;
}

static const struct ot_fw_ops ot_fw = {
	.irq_enable = ot_fw_irq_enable,
};
