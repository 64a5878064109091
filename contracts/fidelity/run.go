package fidelity

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/vendorsuite/contracts/contracts/support"
)

// Options configure a fidelity run.
type Options struct {
	// Suite is the compiled contract suite (go test -c ./contracts/).
	Suite string
	// ContractsDir is the contracts/ folder the suite runs in.
	ContractsDir string
	// OutDir receives fidelity.md, fidelity.html and both sides' ginkgo
	// JSON reports.
	OutDir string
	// Env is the environment naming the target (CONTRACT_BASE_URL*,
	// CONTRACT_FIXTURES, CONTRACT_ALLOW_*); the mock side keeps its
	// CONTRACT_FIXTURES and drops the rest.
	Env []string
	// Args go to the suite on both sides (e.g. -ginkgo.label-filter=...).
	Args []string
	// TargetArgs go to the target side only (e.g. a JUnit report).
	TargetArgs []string
	// Log receives both runs' output, secrets scrubbed; nil discards.
	Log io.Writer
	// MockReport, when set, is an earlier mock side's JSON report to reuse
	// instead of running the mock side again.
	MockReport string
}

// Outcome is what a fidelity run produced.
type Outcome struct {
	Rows                     []Row
	Markdown, HTML           string
	MockReport, TargetReport string
	// MockOutput and TargetOutput are the runs' output as the suite wrote it.
	MockOutput, TargetOutput   string
	MockExitErr, TargetExitErr error
}

func lookup(env []string, name string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == name {
			v = val
		}
	}
	return v
}

// mockEnv is env without what names a target: the suite then serves every
// vendor from its in-process mock, built from the same CONTRACT_FIXTURES.
func mockEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, support.EnvBaseURL) || k == support.EnvSeed {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func runSide(o Options, name string, env []string, report string, more []string) (string, error) {
	args := append([]string{"-ginkgo.json-report=" + report, "-ginkgo.no-color"}, o.Args...)
	args = append(args, more...)
	cmd := exec.Command(o.Suite, args...)
	cmd.Dir = o.ContractsDir
	cmd.Env = append(env, support.EnvRecord+"=true")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		return out.String(), fmt.Errorf("running the %s side: %w", name, err)
	}
	return out.String(), err
}

// Run runs the suite on both sides (at the same time: they share nothing),
// compares them and writes the reports. The error is for runs that could
// not be compared at all; disagreements are in the rows.
func Run(o Options) (*Outcome, error) {
	// The suite runs in ContractsDir: its report paths must not be relative.
	outDir, err := filepath.Abs(o.OutDir)
	if err != nil {
		return nil, err
	}
	o.OutDir = outDir
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return nil, err
	}
	cfg := support.Config{FixturesPath: lookup(o.Env, support.EnvFixtures), LookupEnv: func(name string) (string, bool) {
		v := lookup(o.Env, name)
		return v, v != ""
	}}
	cfgDoc, err := cfg.LoadFixtures()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", support.EnvFixtures, err)
	}
	scrub := support.NewScrubber(support.SecretsOf(cfgDoc)...)
	out := &Outcome{
		MockReport:   filepath.Join(o.OutDir, "fidelity-mock.json"),
		TargetReport: filepath.Join(o.OutDir, "fidelity-target.json"),
		Markdown:     filepath.Join(o.OutDir, "fidelity.md"),
		HTML:         filepath.Join(o.OutDir, "fidelity.html"),
	}
	var wg sync.WaitGroup
	var mockRunErr, targetRunErr error
	if o.MockReport == "" {
		wg.Go(func() {
			_ = os.Remove(out.MockReport)
			out.MockOutput, out.MockExitErr = runSide(o, "mock", mockEnv(o.Env), out.MockReport, nil)
			if _, ok := out.MockExitErr.(*exec.ExitError); !ok {
				mockRunErr = out.MockExitErr
			}
		})
	} else {
		out.MockReport = o.MockReport
	}
	wg.Go(func() {
		_ = os.Remove(out.TargetReport)
		out.TargetOutput, out.TargetExitErr = runSide(o, "target", o.Env, out.TargetReport, o.TargetArgs)
		if _, ok := out.TargetExitErr.(*exec.ExitError); !ok {
			targetRunErr = out.TargetExitErr
		}
	})
	wg.Wait()
	if o.Log != nil {
		fmt.Fprintf(o.Log, "---- mock side ----\n%s\n---- target side ----\n%s\n", scrub.Scrub(out.MockOutput), scrub.Scrub(out.TargetOutput))
	}
	if err := firstErr(mockRunErr, targetRunErr); err != nil {
		return out, err
	}
	// The raw reports stay next to the comparison: hide secrets there too.
	for _, p := range []string{out.MockReport, out.TargetReport} {
		if b, err := os.ReadFile(p); err == nil {
			_ = os.WriteFile(p, []byte(scrub.Scrub(string(b))), 0o644)
		}
	}
	mock, err := ReadReport(out.MockReport)
	if err != nil {
		return out, fmt.Errorf("the mock side wrote no report: %w\n%s", err, out.MockOutput)
	}
	target, err := ReadReport(out.TargetReport)
	if err != nil {
		return out, fmt.Errorf("the target side wrote no report: %w\n%s", err, out.TargetOutput)
	}
	out.Rows = Compare(mock, target, scrub.Scrub)
	meta := Meta{Target: map[string]string{}, Generated: time.Now().UTC().Format(time.RFC3339)}
	for _, v := range support.Vendors {
		u := lookup(o.Env, support.EnvBaseURLFor(v))
		if u == "" {
			u = lookup(o.Env, support.EnvBaseURL)
		}
		if u != "" {
			meta.Target[v] = scrub.Scrub(u)
		}
	}
	if err := writeFile(out.Markdown, func(w io.Writer) error { return WriteMarkdown(w, meta, out.Rows) }); err != nil {
		return out, err
	}
	if err := writeFile(out.HTML, func(w io.Writer) error { return WriteHTML(w, meta, out.Rows) }); err != nil {
		return out, err
	}
	return out, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func writeFile(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
