#include "CLibPQ.h"

#include <errno.h>
#include <poll.h>

int clibpq_wait_readable(int socket, int timeoutMilliseconds) {
    struct pollfd descriptor = { .fd = socket, .events = POLLIN, .revents = 0 };
    for (;;) {
        int ready = poll(&descriptor, 1, timeoutMilliseconds);
        if (ready < 0 && errno == EINTR) {
            continue; // a signal is not a reason to give up waiting
        }
        if (ready < 0) {
            return -1;
        }
        return ready > 0 ? 1 : 0;
    }
}
