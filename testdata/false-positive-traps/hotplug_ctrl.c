/* The callback that really runs when the timer fires. */
struct hp_slot {
	struct timer_list task_event;
	struct mutex lock;
};

static void hp_helper(struct timer_list *t)
{
	wake_up_process(NULL);
}

void hp_button_pressed(struct hp_slot *p_slot)
{
	timer_setup(&p_slot->task_event, hp_helper, 0);
	mod_timer(&p_slot->task_event, jiffies + HZ);
}
