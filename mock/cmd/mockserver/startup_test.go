package main

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// Starts that overlap in one process restore the collector's settings
// from before the first of them, whatever order they release in.
func TestHoldCollectorRestoresTheSettingsBeforeTheFirstHold(t *testing.T) {
	before := debug.SetGCPercent(77)
	defer debug.SetGCPercent(before)
	a := holdCollector()
	b := holdCollector()
	a()
	a() // a second release changes nothing
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Fatalf("collector back on (%d) while a start still holds it", got)
	}
	b()
	if got := debug.SetGCPercent(77); got != 77 {
		t.Fatalf("GC percent after both releases: %d, want 77", got)
	}
}

func TestSmallStart(t *testing.T) {
	dir := t.TempDir()
	small, large := filepath.Join(dir, "small.json"), filepath.Join(dir, "large.json")
	if err := os.WriteFile(small, []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(large, make([]byte, smallStartBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cfg  config
		want bool
	}{
		{config{}, true},
		{config{fixtures: small, stateFile: filepath.Join(dir, "absent.json")}, true},
		{config{fixtures: large}, false},
		{config{fixtures: small, stateFile: large}, false},
	} {
		if got := smallStart(tc.cfg); got != tc.want {
			t.Errorf("smallStart(%+v) = %v", tc.cfg, got)
		}
	}
}

func TestFloorPercent(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		base        int
		live, floor int64
		want        int
	}{
		{100, 4 * mib, 64 * mib, 1500},   // a small heap may grow to the floor
		{100, 40 * mib, 64 * mib, 100},   // GOGC already aims above the floor
		{100, 700 * mib, 64 * mib, 100},  // a large world: GOGC alone
		{300, 10 * mib, 64 * mib, 540},   // GOGC=300 is kept as the least
		{300, 32 * mib, 64 * mib, 300},   //
		{-1, 4 * mib, 64 * mib, -1},      // GOGC=off stays off
		{100, 0, 64 * mib, 6300},         // no collection yet: counted as 1 MiB live
		{100, 1, 1 << 62, 1 << 20},       // capped
		{50, 64 * mib, 64 * mib, 50},     // at the floor
		{100, 32*mib + 1, 64 * mib, 100}, // just above half the floor
	} {
		if got := floorPercent(tc.base, tc.live, tc.floor); got != tc.want {
			t.Errorf("floorPercent(%d, %d, %d) = %d, want %d", tc.base, tc.live, tc.floor, got, tc.want)
		}
	}
}

// gcPercent reads the collector's percentage as the floor keeps it.
func gcPercent() int {
	collector.Lock()
	defer collector.Unlock()
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// The floor raises the percentage for a small live heap after each
// collection, not while a start holds the collector off, and puts GOGC's
// percentage back when it stops.
func TestHeapFloor(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	const floor = 1 << 40 // far above any live heap of this test
	hold := holdCollector()
	stop := keepHeapFloor(floor)
	runtime.GC()
	if got := gcPercent(); got != -1 {
		t.Fatalf("the floor switched the collector on (%d) while a start holds it", got)
	}
	hold()
	want := floorPercent(100, liveHeap(), floor)
	if got := gcPercent(); got != want || want <= 100 {
		t.Fatalf("percentage after the hold: %d, want %d", got, want)
	}
	// After more collections it is still kept.
	for range 3 {
		runtime.GC()
	}
	deadline := time.Now().Add(5 * time.Second)
	for gcPercent() <= 100 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := gcPercent(); got <= 100 {
		t.Fatalf("percentage after collections: %d, want the floor's", got)
	}
	stop()
	stop() // a second stop changes nothing
	if got := gcPercent(); got != 100 {
		t.Fatalf("percentage after the floor stopped: %d, want GOGC's 100", got)
	}
	runtime.GC()
	time.Sleep(50 * time.Millisecond) // a pending tune must not come back
	if got := gcPercent(); got != 100 {
		t.Fatalf("percentage after a collection with no floor: %d, want 100", got)
	}
	if noop := keepHeapFloor(0); gcPercent() != 100 {
		t.Fatal("--gc-min-heap 0 changed the percentage")
	} else {
		noop()
	}
}
