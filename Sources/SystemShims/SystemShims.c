#define _GNU_SOURCE

#include "SystemShims.h"

#include <spawn.h>
#include <sys/prctl.h>
#include <sys/socket.h>

int berth_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
}

int berth_accept_close_on_exec(int listener) {
    return accept4(listener, NULL, NULL, SOCK_CLOEXEC);
}

int berth_spawn_actions_close_from(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}
