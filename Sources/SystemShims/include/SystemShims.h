#ifndef BERTH_SYSTEM_SHIMS_H
#define BERTH_SYSTEM_SHIMS_H

#include <spawn.h>

/// Asks the kernel to send `signal` to the calling process when its parent thread dies.
/// Wraps prctl(PR_SET_PDEATHSIG), which Swift cannot call because prctl is variadic.
/// Returns 0, or -1 with errno set.
int berth_set_parent_death_signal(int signal);

/// Accepts a connection with close-on-exec set atomically, so a process spawned meanwhile cannot inherit it.
/// Wraps accept4(2), which glibc declares only under _GNU_SOURCE. Returns the descriptor, or -1 with errno set.
int berth_accept_close_on_exec(int listener);

/// Adds a spawn action that closes every descriptor from `lowest` up in the child.
/// Wraps posix_spawn_file_actions_addclosefrom_np (glibc 2.34 and later). Returns 0 or an error number.
int berth_spawn_actions_close_from(posix_spawn_file_actions_t *actions, int lowest);

#endif
