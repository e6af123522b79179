#ifndef BERTH_SYSTEM_SHIMS_H
#define BERTH_SYSTEM_SHIMS_H

/// Asks the kernel to send `signal` to the calling process when its parent thread dies.
/// Wraps prctl(PR_SET_PDEATHSIG), which Swift cannot call because prctl is variadic.
/// Returns 0, or -1 with errno set.
int berth_set_parent_death_signal(int signal);

#endif
