package standin_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// scripts/contract.sh (make contract) keeps ginkgo's defaults, adds the
// label filter as one argument however it is spaced, adds GINKGO_FLAGS as
// shell words, and names a JUnit report only when one was written.
func TestContractScriptFlags(t *testing.T) {
	dir := t.TempDir()
	// A stand-in for the go command: it records the arguments ginkgo would
	// get, one per line, and writes a report only when asked to.
	fakeGo := filepath.Join(dir, "go")
	args := filepath.Join(dir, "args")
	script := "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > " + args + "\n" +
		"if [ -n \"${WRITE_REPORT:-}\" ]; then for a in \"$@\"; do case $a in --junit-report=*) : > \"${a#--junit-report=}\";; esac; done; fi\n"
	if err := os.WriteFile(fakeGo, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "junit.xml")
	run := func(extra ...string) (string, []string) {
		t.Helper()
		cmd := exec.Command("bash", "scripts/contract.sh")
		cmd.Dir = repoRoot
		cmd.Env = append(os.Environ(), append([]string{"GO=" + fakeGo, "CONTRACT_REPORT=" + report,
			"LABELS=care360 && !mutating", `GINKGO_FLAGS=-p --focus="refuses a cursor"`}, extra...)...)
		out, _ := cmd.CombinedOutput()
		got, _ := os.ReadFile(args)
		return string(out), strings.Split(strings.TrimSpace(string(got)), "\n")
	}
	out, got := run()
	want := []string{"tool", "ginkgo", "--keep-going", "--fail-on-empty", "--randomize-all", "--trace",
		"--label-filter=care360 && !mutating", "-p", "--focus=refuses a cursor", "--junit-report=" + report, "./contracts/"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("ginkgo got\n%q\nwant\n%q", got, want)
	}
	if strings.Contains(out, "JUnit report:") || !strings.Contains(out, "no JUnit report was written") {
		t.Fatalf("without a report the script says:\n%s", out)
	}
	if out, _ := run("WRITE_REPORT=1"); !strings.Contains(out, "JUnit report: "+report) {
		t.Fatalf("with a report the script says:\n%s", out)
	}
}
