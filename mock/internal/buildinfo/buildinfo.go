// Package buildinfo tells which build of the mock tools is running.
//
// Release builds stamp it with the linker:
//
//	-X github.com/vendorsuite/contracts/mock/internal/buildinfo.version=1.2.0
//	-X github.com/vendorsuite/contracts/mock/internal/buildinfo.commit=<sha>
//	-X github.com/vendorsuite/contracts/mock/internal/buildinfo.date=<RFC 3339>
//
// Any other build (go build, go install) falls back to what the Go
// toolchain recorded: the module version and the VCS revision and commit
// time.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set by -ldflags -X in release builds; empty otherwise.
var (
	version string
	commit  string
	date    string
)

// Info describes one build.
type Info struct {
	Version string
	Commit  string
	// Date is the build date of a release build, or the commit time the
	// toolchain recorded for any other build (see DateIsCommitTime).
	Date             string
	DateIsCommitTime bool
	// Modified: built from a work tree with uncommitted changes.
	Modified  bool
	GoVersion string
	Platform  string
}

// Read returns the running binary's build information.
func Read() Info {
	bi, _ := debug.ReadBuildInfo()
	return read(version, commit, date, bi)
}

func read(stampedVersion, stampedCommit, stampedDate string, bi *debug.BuildInfo) Info {
	in := Info{
		Version: stampedVersion, Commit: stampedCommit, Date: stampedDate,
		GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
	}
	if bi != nil {
		if in.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			in.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if in.Commit == "" {
					in.Commit = s.Value
				}
			case "vcs.time":
				if in.Date == "" {
					in.Date, in.DateIsCommitTime = s.Value, true
				}
			case "vcs.modified":
				in.Modified = stampedCommit == "" && s.Value == "true"
			}
		}
	}
	if in.Version == "" {
		in.Version = "devel"
	}
	return in
}

// String is the one line a --version flag prints, e.g.
//
//	mockserver 1.2.0 (commit 4f1c0de…, built 2026-12-01T14:00:00Z, go1.26.8 linux/amd64)
func (in Info) String(program string) string {
	commit := in.Commit
	if commit == "" {
		commit = "unknown"
	}
	if in.Modified {
		commit += " with uncommitted changes"
	}
	when := "build date unknown"
	switch {
	case in.Date != "" && in.DateIsCommitTime:
		when = "committed " + in.Date
	case in.Date != "":
		when = "built " + in.Date
	}
	return fmt.Sprintf("%s %s (commit %s, %s, %s %s)", program, in.Version, commit, when, in.GoVersion, in.Platform)
}
