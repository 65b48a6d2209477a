#include "global_executor_hook.h"

/* Linked, not looked up: `dlsym` finds the hook only when the runtime is a shared library.
 * With `--static-swift-stdlib` (the Docker image) the variable is a hidden symbol of the
 * executable, which a reference from C still reaches at link time. */
extern void *swift_task_enqueueGlobal_hook;

void **selfheal_enqueue_global_hook_slot(void) {
    return &swift_task_enqueueGlobal_hook;
}
