package runtime

// The CPU limit is enforced on the thread's own CPU clock, not on wall
// time, so a request is not charged for time the OS gave to other threads.
// The watchdog reads the isolate thread's clock from another thread, which
// needs the clock id from pthread_getcpuclockid.

/*
#include <pthread.h>
#include <time.h>

static clockid_t worky_thread_clock(void) {
	clockid_t id;
	if (pthread_getcpuclockid(pthread_self(), &id) != 0) return CLOCK_THREAD_CPUTIME_ID;
	return id;
}

static long long worky_clock_ns(clockid_t id) {
	struct timespec ts;
	if (clock_gettime(id, &ts) != 0) return -1;
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
*/
import "C"

import "time"

// threadClock is the CPU clock of one OS thread.
type threadClock struct{ id C.clockid_t }

// currentThreadClock returns the clock of the calling thread; the caller
// must have locked its goroutine to the thread.
func currentThreadClock() threadClock { return threadClock{C.worky_thread_clock()} }

// now returns the CPU time the thread has used. It may be called from any
// thread.
func (c threadClock) now() time.Duration { return time.Duration(C.worky_clock_ns(c.id)) }
