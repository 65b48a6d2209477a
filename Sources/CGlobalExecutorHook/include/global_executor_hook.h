#ifndef SELFHEAL_GLOBAL_EXECUTOR_HOOK_H
#define SELFHEAL_GLOBAL_EXECUTOR_HOOK_H

/// The Swift runtime's `swift_task_enqueueGlobal_hook`: where the runtime looks for a function
/// to enqueue global jobs with (NULL: its own pool).
void **selfheal_enqueue_global_hook_slot(void);

#endif
