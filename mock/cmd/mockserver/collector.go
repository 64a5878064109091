package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// collector is how mockserver sets the process's garbage collector: held
// off while a small world loads (holdCollector), and kept from collecting
// a small heap every few megabytes while serving (keepHeapFloor). Starts
// running together in one process (tests) share it.
var collector collectorState

type collectorState struct {
	sync.Mutex
	// holders count the starts holding the collector off; percent and
	// limit are the settings from before the first of them.
	holders int
	percent int
	limit   int64
	// floors count the servers keeping a heap floor; floor is the
	// largest they asked for, base the GOGC percentage it keeps, set the
	// percentage last set, armed whether a tune waits for the next cycle.
	floors int
	floor  int64
	base   int
	set    int
	armed  bool
}

// holdCollector switches the garbage collector off, with a memory limit
// as a safety net, until the returned function is called.
func holdCollector() (release func()) {
	c := &collector
	c.Lock()
	if c.holders == 0 {
		c.percent = debug.SetGCPercent(-1)
		if c.floors > 0 {
			c.percent = c.base // not the floor's setting of the moment
		}
		c.limit = debug.SetMemoryLimit(512 << 20)
	}
	c.holders++
	c.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			c.Lock()
			defer c.Unlock()
			c.holders--
			if c.holders == 0 {
				debug.SetGCPercent(c.percent)
				debug.SetMemoryLimit(c.limit)
				c.set = c.percent
				c.tuneLocked()
			}
		})
	}
}

// keepHeapFloor keeps GOGC's percentage but never lets the collector aim
// at a heap smaller than floor bytes: after each collection the
// percentage is raised as far as a live heap that small needs. Go's
// default collects a heap of a few megabytes every few megabytes
// allocated, which for a mock with a small world is most of its
// collector's cost; a large world (over half the floor) is collected as
// GOGC says. The returned function stops it; floor ≤ 0 does nothing.
func keepHeapFloor(floor int64) (stop func()) {
	if floor <= 0 {
		return func() {}
	}
	c := &collector
	c.Lock()
	if c.floors == 0 {
		if c.holders > 0 {
			c.base = c.percent
		} else {
			c.base = debug.SetGCPercent(100)
			debug.SetGCPercent(c.base)
		}
		c.set = c.base
		c.floor = 0
	}
	c.floors++
	c.floor = max(c.floor, floor)
	c.tuneLocked()
	c.armLocked()
	c.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			c.Lock()
			defer c.Unlock()
			c.floors--
			if c.floors == 0 && c.holders == 0 {
				debug.SetGCPercent(c.base)
			}
		})
	}
}

// tuneLocked sets the percentage for the live heap the last collection
// left, unless the collector is held off or no floor is kept.
func (c *collectorState) tuneLocked() {
	if c.holders > 0 || c.floors == 0 {
		return
	}
	if p := floorPercent(c.base, liveHeap(), c.floor); p != c.set {
		debug.SetGCPercent(p)
		c.set = p
	}
}

// armLocked has the end of the next collection tune the percentage again,
// and so on while a floor is kept.
func (c *collectorState) armLocked() {
	if c.armed {
		return
	}
	c.armed = true
	runtime.SetFinalizer(&gcCycle{}, func(*gcCycle) {
		c.Lock()
		defer c.Unlock()
		c.armed = false
		if c.floors > 0 {
			c.tuneLocked()
			c.armLocked()
		}
	})
}

// liveHeap reads the heap the last collection found live.
func liveHeap() int64 {
	sample := [1]metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample[:])
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(sample[0].Value.Uint64())
}

// floorPercent is the GOGC percentage that makes the collector aim at
// floor bytes for a live heap of live bytes, or base when base aims
// higher.
func floorPercent(base int, live, floor int64) int {
	if base < 0 {
		return base // the collector is off: leave it off
	}
	live = max(live, 1<<20)
	if need := float64(floor-live) * 100 / float64(live); need > float64(base) {
		return int(min(need, 1<<20))
	}
	return base
}

// gcCycle is garbage whose finalizer runs after the collection that found
// it, to tune the percentage once per cycle. It has a pointer so that it
// is not a tiny allocation, which could share a block with live objects
// and never be found unreachable.
type gcCycle struct{ _ *byte }
