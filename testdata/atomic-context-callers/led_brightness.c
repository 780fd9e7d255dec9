/* An LED class device's `brightness_set` must not sleep (include/linux/leds.h): the LED
 * core calls it from the software-blink timer. A driver's own table with a field of
 * that name, installed as `brightness_set_blocking`, is not one. */
struct lb_led {
	struct led_classdev cdev;
	struct mutex lock;
	int level;
};

static void lb_set(struct led_classdev *cdev, enum led_brightness b)
{
	struct lb_led *led = container_of(cdev, struct lb_led, cdev);

	mutex_lock(&led->lock); /* expect: atomic-sleeping-call */
	led->level = b;
	mutex_unlock(&led->lock);
}

static int lb_set_blocking(struct led_classdev *cdev, enum led_brightness b)
{
	struct lb_led *led = container_of(cdev, struct lb_led, cdev);

	mutex_lock(&led->lock);
	led->level = b;
	mutex_unlock(&led->lock);
	return 0;
}

struct lb_chipdef {
	int (*brightness_set)(struct led_classdev *cdev, enum led_brightness b);
};

static const struct lb_chipdef lb_chip = {
	.brightness_set = lb_set_blocking,
};

int lb_probe(struct lb_led *led, struct lb_led *other)
{
	led->cdev.brightness_set = lb_set;
	other->cdev.brightness_set_blocking = lb_chip.brightness_set;
	return 0;
}
