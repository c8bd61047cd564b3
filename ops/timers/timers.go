// Package timers provides setTimeout, setInterval, their clear functions
// and queueMicrotask. JS keeps each timer's callback and arguments; Go keeps
// the deadlines and wakes the isolate when one is due.
package timers

import (
	"container/heap"
	_ "embed"
	"sync"
	"time"

	v8 "github.com/tommie/v8go"
	"github.com/worky-dev/worky/runtime"
)

//go:embed timers.js
var js string

// Extension returns the timers family.
func Extension() *runtime.Extension {
	return &runtime.Extension{
		Name: "timers",
		JS:   []runtime.Script{{Name: "ext:timers/timers.js", Source: js}},
		Ops: []runtime.Op{
			{Name: "op_timers_init", Sync: opTimersInit},
			{Name: "op_timers_start", Sync: opTimersStart},
			{Name: "op_timers_clear", Sync: opTimersClear},
		},
	}
}

// minInterval keeps setInterval(fn, 0) from re-arming with no delay at all,
// which would keep the isolate busy for as long as the interval lives.
const minInterval = time.Millisecond

type stateKey struct{}

// A scheduler holds one isolate's timers. One Go timer (wake) is armed for
// the earliest deadline; when it fires, every due timer is posted to the
// isolate's loop, in deadline order and, for equal deadlines, in creation
// order, each as its own task charged to the request that created it.
type scheduler struct {
	it   *runtime.Isolate
	fire *v8.Function // the JS fire(id); used on the loop only

	mu   sync.Mutex // guards what follows; wake's callback runs on its own goroutine
	byID map[int64]*timer
	due  timerHeap
	seq  uint64
	wake *time.Timer
}

type timer struct {
	id       int64
	repeat   bool
	interval time.Duration
	deadline time.Time
	seq      uint64 // creation order, the tie-break for equal deadlines
	req      *runtime.Request
	index    int // in due; -1 once posted or cleared
}

func state(c *runtime.Call) (*scheduler, error) {
	s, _ := c.Isolate().State(stateKey{}).(*scheduler)
	if s == nil {
		return nil, runtime.TypeError("timers: op_timers_init was not called")
	}
	return s, nil
}

// opTimersInit receives the JS function that runs a timer's callback by id.
func opTimersInit(c *runtime.Call) (any, error) {
	fn, err := c.Keep(0).AsFunction()
	if err != nil {
		return nil, runtime.TypeError("op_timers_init: %v", err)
	}
	s := &scheduler{it: c.Isolate(), fire: fn, byID: map[int64]*timer{}}
	c.Isolate().SetState(stateKey{}, s)
	// Pending timers of a closed isolate must not keep their Go state
	// (and the wake timer) alive until they would have fired.
	c.Isolate().OnClose(s.stop)
	return nil, nil
}

// opTimersStart arms timer id (chosen by JS) to fire after delay
// milliseconds, and then every delay milliseconds if repeat is set.
func opTimersStart(c *runtime.Call) (any, error) {
	s, err := state(c)
	if err != nil {
		return nil, err
	}
	delay := time.Duration(c.Float(1) * float64(time.Millisecond))
	if delay < 0 {
		delay = 0
	}
	t := &timer{id: c.Int(0), repeat: c.Bool(2), interval: delay, req: c.Request()}
	if t.repeat && delay < minInterval {
		delay = minInterval
		t.interval = delay
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.byID[t.id]; old != nil {
		s.remove(old)
	}
	s.byID[t.id] = t
	s.schedule(t, time.Now().Add(delay))
	return nil, nil
}

// opTimersClear cancels timer id; a firing already queued is dropped.
func opTimersClear(c *runtime.Call) (any, error) {
	s, err := state(c)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.byID[c.Int(0)]; t != nil {
		s.remove(t)
	}
	return nil, nil
}

// schedule queues t for deadline. s.mu is held.
func (s *scheduler) schedule(t *timer, deadline time.Time) {
	s.seq++
	t.deadline, t.seq = deadline, s.seq
	heap.Push(&s.due, t)
	if t.index == 0 {
		s.arm()
	}
}

// remove forgets t. s.mu is held.
func (s *scheduler) remove(t *timer) {
	delete(s.byID, t.id)
	if t.index >= 0 {
		first := t.index == 0
		heap.Remove(&s.due, t.index)
		if first {
			s.arm()
		}
	}
}

// stop drops every pending timer; the isolate is closing.
func (s *scheduler) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wake != nil {
		s.wake.Stop()
	}
	s.due = nil
	s.byID = map[int64]*timer{}
}

// arm sets the wake timer for the earliest deadline. s.mu is held.
func (s *scheduler) arm() {
	if len(s.due) == 0 {
		if s.wake != nil {
			s.wake.Stop()
		}
		return
	}
	d := time.Until(s.due[0].deadline)
	if s.wake == nil {
		s.wake = time.AfterFunc(d, s.onWake)
		return
	}
	s.wake.Reset(d)
}

// onWake runs on the wake timer's goroutine: it posts every due timer to
// the loop and re-arms for the next deadline. A wake-up with nothing due
// (the timer was reset or cleared meanwhile) only re-arms.
func (s *scheduler) onWake() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for len(s.due) > 0 && !s.due[0].deadline.After(now) {
		t := heap.Pop(&s.due).(*timer)
		s.it.Post(t.req, func() { s.run(t) })
	}
	if len(s.due) > 0 {
		s.arm()
	}
}

// run fires t on the loop, unless it was cleared since it was posted, and
// re-arms it if it is an interval still alive after its callback.
func (s *scheduler) run(t *timer) {
	s.mu.Lock()
	live := s.byID[t.id] == t
	if live && !t.repeat {
		delete(s.byID, t.id)
	}
	s.mu.Unlock()
	if !live {
		return
	}
	// fire catches and reports what the callback throws; an error here
	// means the isolate is being terminated.
	if _, err := s.it.CallFunction(s.fire, t.id); err != nil {
		return
	}
	if !t.repeat {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byID[t.id] == t {
		s.schedule(t, time.Now().Add(t.interval))
	}
}

// timerHeap orders timers by deadline, then creation.
type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }

func (h timerHeap) Less(i, j int) bool {
	if !h[i].deadline.Equal(h[j].deadline) {
		return h[i].deadline.Before(h[j].deadline)
	}
	return h[i].seq < h[j].seq
}

func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *timerHeap) Push(x any) {
	t := x.(*timer)
	t.index = len(*h)
	*h = append(*h, t)
}

func (h *timerHeap) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	t.index = -1
	*h = old[:n-1]
	return t
}
