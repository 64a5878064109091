package buildinfo

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestStampedValuesWin(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201-abc"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "fromvcs"}, {Key: "vcs.time", Value: "2026-01-01T00:00:00Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	got := read("1.2.0", "0123456789abcdef", "2026-12-01T14:00:00Z", bi).String("mockserver")
	want := "mockserver 1.2.0 (commit 0123456789abcdef, built 2026-12-01T14:00:00Z, " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestFallsBackToToolchainRecord(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Version: "v0.3.1"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "feedface"}, {Key: "vcs.time", Value: "2026-11-30T10:00:00Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	in := read("", "", "", bi)
	if in.Version != "v0.3.1" || in.Commit != "feedface" || in.Date != "2026-11-30T10:00:00Z" || !in.DateIsCommitTime || !in.Modified {
		t.Fatalf("%+v", in)
	}
	want := "record v0.3.1 (commit feedface with uncommitted changes, committed 2026-11-30T10:00:00Z, "
	if got := in.String("record"); got[:len(want)] != want {
		t.Fatalf("got  %q\nwant prefix %q", got, want)
	}
}

func TestUnknownBuild(t *testing.T) {
	for _, bi := range []*debug.BuildInfo{nil, {Main: debug.Module{Version: "(devel)"}}} {
		in := read("", "", "", bi)
		want := "mockserver devel (commit unknown, build date unknown, "
		if got := in.String("mockserver"); got[:len(want)] != want {
			t.Fatalf("got  %q\nwant prefix %q", got, want)
		}
	}
}
