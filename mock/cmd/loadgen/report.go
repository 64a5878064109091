package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/vendorsuite/contracts/mock/cmd/loadgen/workload"
)

// Row is one workload of the bench table: medians over the rounds.
type Row struct {
	Workload       string  `json:"workload"`
	CeilingRPS     float64 `json:"ceiling_rps"`
	MockRPS        float64 `json:"mock_rps"`
	RPSRatio       float64 `json:"rps_ratio"` // mock / ceiling
	CeilingP99us   float64 `json:"ceiling_p99_us"`
	MockP99us      float64 `json:"mock_p99_us"`
	P99Ratio       float64 `json:"p99_ratio"` // mock / ceiling
	CeilingCPUus   float64 `json:"ceiling_cpu_us_per_req"`
	MockCPUus      float64 `json:"mock_cpu_us_per_req"`
	CPURatio       float64 `json:"cpu_ratio"` // mock / ceiling
	CeilingErrors  int     `json:"ceiling_errors"`
	MockErrors     int     `json:"mock_errors"`
	CeilingP50us   float64 `json:"ceiling_p50_us"`
	MockP50us      float64 `json:"mock_p50_us"`
	MockRequests   int     `json:"mock_requests"`
	CeilingRequest int     `json:"ceiling_requests"`
	// Missed names the targets this workload misses ("cpu", "rps",
	// "p99", "errors"); empty when it meets them all.
	Missed []string `json:"missed"`
}

// Targets are the performance goals the bench table is judged by: ratios
// of the mock to the ceiling per workload, startup and memory per user.
type Targets struct {
	MaxCPURatio     float64 `json:"max_cpu_ratio"`
	MinRPSRatio     float64 `json:"min_rps_ratio"`
	MaxP99Ratio     float64 `json:"max_p99_ratio"`
	MaxStartupMs    float64 `json:"max_startup_ms"`
	MaxBytesPerUser float64 `json:"max_bytes_per_user"`
}

// DefaultTargets: CPU per request at most 1.5 times the ceiling's,
// throughput at least 0.70 of it, p99 at most 1.3 times it, 50 ms to the
// first vendor answer and 1 KiB per seeded user.
var DefaultTargets = Targets{MaxCPURatio: 1.5, MinRPSRatio: 0.70, MaxP99Ratio: 1.3, MaxStartupMs: 50, MaxBytesPerUser: 1024}

// missed lists the targets r misses.
func (t Targets) missed(r Row) []string {
	out := []string{}
	if r.CPURatio > t.MaxCPURatio {
		out = append(out, "cpu")
	}
	if r.RPSRatio < t.MinRPSRatio {
		out = append(out, "rps")
	}
	if r.P99Ratio > t.MaxP99Ratio {
		out = append(out, "p99")
	}
	if r.MockErrors+r.CeilingErrors > 0 {
		out = append(out, "errors")
	}
	return out
}

// Summary is results/bench.json.
type Summary struct {
	Rows         []Row   `json:"rows"`
	StartupMs    float64 `json:"startup_ms_median"`
	StartupCPUMs float64 `json:"startup_cpu_ms_median"`
	// Startup1000 is the same start with a fixtures file of 1,000 users.
	Startup1000Ms    float64         `json:"startup_1000_users_ms_median"`
	Startup1000CPUMs float64         `json:"startup_1000_users_cpu_ms_median"`
	RSSDefault       int64           `json:"rss_default_bytes"`
	RSSMany          int64           `json:"rss_many_bytes"`
	ManyUsers        int             `json:"many_users"`
	BytesPerUser     float64         `json:"bytes_per_user"`
	Loads            []Result        `json:"loads"`
	Startups         []StartupResult `json:"startups"`
	Targets          Targets         `json:"targets"`
	// WithinTargets is true when every workload, startup and memory per
	// user meet Targets.
	WithinTargets bool `json:"within_targets"`
}

// report reads the JSON lines of load and startup results and prints the
// bench table; --out also writes the summary as JSON.
func report(args []string, in io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	out := fs.String("out", "", "write the summary JSON to this `file`")
	strict := fs.Bool("strict", false, "exit non-zero when a target is missed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s := Summary{Targets: DefaultTargets}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var kind struct{ Kind string }
		if json.Unmarshal(line, &kind) != nil {
			continue // not a result line
		}
		switch kind.Kind {
		case "load":
			var r Result
			if err := json.Unmarshal(line, &r); err != nil {
				return err
			}
			s.Loads = append(s.Loads, r)
		case "startup":
			var r StartupResult
			if err := json.Unmarshal(line, &r); err != nil {
				return err
			}
			s.Startups = append(s.Startups, r)
			switch r.Label {
			case "startup":
				s.StartupMs, s.StartupCPUMs = r.MedianMs, r.CPUMs
			case "startup-1000":
				s.Startup1000Ms, s.Startup1000CPUMs = r.MedianMs, r.CPUMs
			case "rss-default":
				s.RSSDefault = r.RSSBytes
			case "rss-many":
				s.RSSMany, s.ManyUsers = r.RSSBytes, r.Users
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if s.ManyUsers > 0 && s.RSSDefault > 0 {
		s.BytesPerUser = float64(s.RSSMany-s.RSSDefault) / float64(s.ManyUsers)
	}
	for _, name := range workload.Names() {
		c, m := pick(s.Loads, name, "ceiling"), pick(s.Loads, name, "mock")
		if len(c) == 0 && len(m) == 0 {
			continue
		}
		r := Row{Workload: name}
		r.CeilingRPS, r.MockRPS = med(c, func(x Result) float64 { return x.RPS }), med(m, func(x Result) float64 { return x.RPS })
		r.CeilingP50us, r.MockP50us = med(c, func(x Result) float64 { return x.P50us }), med(m, func(x Result) float64 { return x.P50us })
		r.CeilingP99us, r.MockP99us = med(c, func(x Result) float64 { return x.P99us }), med(m, func(x Result) float64 { return x.P99us })
		r.CeilingCPUus, r.MockCPUus = med(c, func(x Result) float64 { return x.ServerCPUus }), med(m, func(x Result) float64 { return x.ServerCPUus })
		r.RPSRatio, r.P99Ratio, r.CPURatio = ratio(r.MockRPS, r.CeilingRPS), ratio(r.MockP99us, r.CeilingP99us), ratio(r.MockCPUus, r.CeilingCPUus)
		for _, x := range c {
			r.CeilingErrors += x.Errors
			r.CeilingRequest += x.Requests
		}
		for _, x := range m {
			r.MockErrors += x.Errors
			r.MockRequests += x.Requests
		}
		r.Missed = s.Targets.missed(r)
		s.Rows = append(s.Rows, r)
	}
	s.WithinTargets = len(s.Rows) > 0
	for _, r := range s.Rows {
		if len(r.Missed) > 0 {
			s.WithinTargets = false
		}
	}
	if s.StartupMs > s.Targets.MaxStartupMs || s.Startup1000Ms > s.Targets.MaxStartupMs ||
		s.BytesPerUser > s.Targets.MaxBytesPerUser {
		s.WithinTargets = false
	}

	tw := tabwriter.NewWriter(stdout, 0, 0, 1, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "workload\tceiling req/s\tmock req/s\tratio\tceiling p99\tmock p99\tp99 ratio\tceiling CPU µs/req\tmock CPU µs/req\tCPU ratio\terrors\ttargets\t")
	for _, r := range s.Rows {
		verdict := "met"
		if len(r.Missed) > 0 {
			verdict = "missed: " + strings.Join(r.Missed, ", ")
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.2f\t%s\t%s\t%.2f\t%.1f\t%.1f\t%.2f\t%d\t%s\t\n",
			r.Workload, r.CeilingRPS, r.MockRPS, r.RPSRatio, dur(r.CeilingP99us), dur(r.MockP99us), r.P99Ratio,
			r.CeilingCPUus, r.MockCPUus, r.CPURatio, r.CeilingErrors+r.MockErrors, verdict)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var engines []string
	for _, l := range s.Loads {
		if !slices.Contains(engines, l.Engine) {
			engines = append(engines, l.Engine)
		}
	}
	if len(engines) > 0 {
		fmt.Fprintf(stdout, "load generated by: %s\n", strings.Join(engines, "; "))
	}
	for _, st := range s.Startups {
		if st.Label == "startup" || st.Label == "startup-1000" {
			what := "default fixtures"
			if st.Users > 0 {
				what = fmt.Sprintf("a fixtures file of %d users", st.Users)
			}
			fmt.Fprintf(stdout, "\nstartup to the first 200 on %s, %s: %.1f ms (median of %d starts; %.1f ms of server CPU)",
				st.Probe, what, st.MedianMs, st.Runs, st.CPUMs)
		}
	}
	fmt.Fprintln(stdout)
	if s.ManyUsers > 0 {
		fmt.Fprintf(stdout, "memory: VmRSS %.1f MiB with default fixtures, %.1f MiB with %d Care360 users: %.0f bytes/user\n",
			float64(s.RSSDefault)/(1<<20), float64(s.RSSMany)/(1<<20), s.ManyUsers, s.BytesPerUser)
	}
	t := s.Targets
	verdict := "every target met"
	if !s.WithinTargets {
		verdict = "NOT every target met"
	}
	fmt.Fprintf(stdout, "targets (CPU ≤ %.1f×, req/s ≥ %.2f×, p99 ≤ %.1f× the ceiling's; startup ≤ %.0f ms; ≤ %.0f bytes/user): %s\n",
		t.MaxCPURatio, t.MinRPSRatio, t.MaxP99Ratio, t.MaxStartupMs, t.MaxBytesPerUser, verdict)
	if *out != "" {
		b, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	if *strict && !s.WithinTargets {
		return errors.New("report: a performance target was missed")
	}
	return nil
}

func pick(rs []Result, name, label string) []Result {
	var out []Result
	for _, r := range rs {
		if r.Workload == name && strings.EqualFold(r.Label, label) {
			out = append(out, r)
		}
	}
	return out
}

func med(rs []Result, f func(Result) float64) float64 {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = f(r)
	}
	return median(xs)
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func dur(us float64) string {
	if us >= 1000 {
		return fmt.Sprintf("%.2fms", us/1000)
	}
	return fmt.Sprintf("%.0fµs", us)
}
