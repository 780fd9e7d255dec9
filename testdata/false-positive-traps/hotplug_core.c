/* A timer set up in one file with a callback that is replaced, in another file of the
 * same driver, before the timer is armed (see hotplug_ctrl.c). */
struct hp_slot {
	struct timer_list task_event;
	struct mutex lock;
};

void hp_pushbutton_thread(struct timer_list *t)
{
	struct hp_slot *s = from_timer(s, t, task_event);

	mutex_lock(&s->lock);
	mutex_unlock(&s->lock);
}

void hp_init_slot(struct hp_slot *slot)
{
	timer_setup(&slot->task_event, hp_pushbutton_thread, 0);
}
