package main

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
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
