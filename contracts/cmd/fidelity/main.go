// Command fidelity runs the contract suite against the in-process mock and
// against the target the CONTRACT_BASE_URL* variables name, with the same
// CONTRACT_FIXTURES on both sides, and writes fidelity.md and
// fidelity.html: one row per spec with its result on each side and, where
// they disagree, the first difference. It exits 1 when some spec passes on
// one side and fails on the other, 2 when the runs could not be compared.
//
//	go run ./contracts/cmd/fidelity [--out DIR] [--suite BINARY] [-- suite flags]
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/vendorsuite/contracts/contracts/fidelity"
	"github.com/vendorsuite/contracts/contracts/support"
)

func main() { os.Exit(run()) }

func run() int {
	fs := flag.NewFlagSet("fidelity", flag.ContinueOnError)
	out := fs.String("out", "contracts/reports", "folder for fidelity.md, fidelity.html and both sides' ginkgo JSON reports")
	suite := fs.String("suite", "", "compiled contract suite (go test -c ./contracts/); built into a temporary folder when empty")
	labels := fs.String("labels", os.Getenv("LABELS"), "ginkgo label filter for both sides (default: the LABELS environment variable)")
	verbose := fs.Bool("v", false, "print both runs' output")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: fidelity [flags] [-- suite flags]\n\nCompares the contract suite's results against the mock and against the target\nnamed by %s (or %s and the like), with %s on both sides.\n\nFlags:\n",
			support.EnvBaseURL, support.EnvBaseURLFor(support.Care360), support.EnvFixtures)
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if cfg, err := support.ConfigFromEnv(); err != nil || len(cfg.URLs) == 0 {
		if err == nil {
			err = fmt.Errorf("no target: set %s or a per-vendor %s_<VENDOR>", support.EnvBaseURL, support.EnvBaseURL)
		}
		fmt.Fprintln(os.Stderr, "fidelity:", err)
		return 2
	}
	if *suite == "" {
		dir, err := os.MkdirTemp("", "fidelity-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "fidelity:", err)
			return 2
		}
		defer os.RemoveAll(dir)
		*suite = filepath.Join(dir, "contracts.test")
		build := exec.Command("go", "test", "-c", "-o", *suite, "./contracts/")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "fidelity: building the suite:", err)
			return 2
		}
	}
	abs, err := filepath.Abs(*suite)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fidelity:", err)
		return 2
	}
	var args []string
	if *labels != "" {
		args = append(args, "-ginkgo.label-filter="+*labels)
	}
	args = append(args, fs.Args()...)
	env := os.Environ()
	// The suite runs inside contracts/: a relative fixtures path is meant
	// from here.
	if p := os.Getenv(support.EnvFixtures); p != "" && !filepath.IsAbs(p) {
		if ap, err := filepath.Abs(p); err == nil {
			env = append(env, support.EnvFixtures+"="+ap)
		}
	}
	o := fidelity.Options{Suite: abs, ContractsDir: "contracts", OutDir: *out, Env: env, Args: args}
	if *verbose {
		o.Log = os.Stdout
	}
	res, err := fidelity.Run(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fidelity:", err)
		return 2
	}
	sum := fidelity.Summarize(res.Rows)
	fmt.Printf("%s\nreports: %s, %s\n", sum, res.Markdown, res.HTML)
	for _, r := range res.Rows {
		if r.Disagree {
			fmt.Printf("  ≠ %s\n    mock %s, target %s: %s\n", r.Spec, r.Mock.State, r.Target.State, r.Difference)
		}
	}
	if sum.Disagree > 0 {
		return 1
	}
	return 0
}
