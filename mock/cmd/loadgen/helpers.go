package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// genFixtures writes a fixture document with one Care360 organization of
// n users, as JSON (the fast path of fixtures.Parse), for the RSS check.
func genFixtures(args []string) error {
	fs := flag.NewFlagSet("gen-fixtures", flag.ContinueOnError)
	n := fs.Int("users", 1_000_000, "number of users")
	out := fs.String("out", "", "output `file` (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *n < 0 {
		return errors.New("gen-fixtures: --out is required and --users must not be negative")
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	fmt.Fprint(w, `{"care360":{"organizations":[{"id":"org_big","name":"Big Clinic","apiKeys":["big-key"],"users":[`)
	for i := range *n {
		if i > 0 {
			_ = w.WriteByte(',')
		}
		created := base.Add(time.Duration(i) * time.Second).Format("2006-01-02T15:04:05.000Z")
		fmt.Fprintf(w, `{"id":"u%08d","email":"user%08d@example.com","role":"USER","createdAt":%q,"firstName":"First%d","lastName":"Last%d"}`, i, i, created, i, i)
	}
	fmt.Fprint(w, "]}]}}\n")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// StartupResult is one `startup` measurement.
type StartupResult struct {
	Kind      string    `json:"kind"` // "startup"
	Label     string    `json:"label"`
	Fixtures  string    `json:"fixtures,omitempty"`
	Users     int       `json:"users,omitempty"`
	Runs      int       `json:"runs"`
	MedianMs  float64   `json:"median_ms"`
	AllMs     []float64 `json:"all_ms"`
	RSSBytes  int64     `json:"rss_bytes"` // median VmRSS once healthy (+ settle)
	AllRSS    []int64   `json:"all_rss_bytes"`
	SettleSec float64   `json:"settle_s"`
	// Probe is what was asked until the first 200.
	Probe string `json:"probe"`
	// CPUMs is the server's CPU time (all threads) up to its first 200:
	// unlike the wall time, other load on the machine barely moves it.
	CPUMs    float64   `json:"cpu_ms_median"`
	AllCPUMs []float64 `json:"all_cpu_ms"`
}

// headerFlags collects repeated "Name: value" flags.
type headerFlags http.Header

func (h headerFlags) String() string { return "" }
func (h headerFlags) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("header %q: want Name: value", v)
	}
	http.Header(h).Add(strings.TrimSpace(name), strings.TrimSpace(value))
	return nil
}

// startup starts a mockserver binary --runs times on a free loopback port,
// times it to the first 200 on --probe (a vendor route, or the health
// check), reads its CPU time and VmRSS and stops it.
func startup(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("startup", flag.ContinueOnError)
	bin := fs.String("bin", "", "mockserver `binary` (required)")
	runs := fs.Int("runs", 7, "number of starts")
	fixturesPath := fs.String("fixtures", "", "--fixtures to pass")
	users := fs.Int("users", 0, "users in --fixtures, recorded for the report")
	settle := fs.Duration("settle", 0, "wait this long after the first 200 before reading VmRSS")
	timeout := fs.Duration("timeout", 3*time.Minute, "give up on one start after this long")
	label := fs.String("label", "startup", "label for the result")
	asJSON := fs.Bool("json", false, "print one JSON line")
	probe := fs.String("probe", "/__mock/health", "`path` (and query) to ask until it answers 200")
	header := headerFlags{}
	fs.Var(header, "header", "`Name: value` to send with each probe (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bin == "" || *runs < 1 {
		return errors.New("startup: --bin is required and --runs must be at least 1")
	}
	if !strings.HasPrefix(*probe, "/") {
		return errors.New("startup: --probe must be a path starting with /")
	}
	res := StartupResult{Kind: "startup", Label: *label, Fixtures: *fixturesPath, Users: *users, Runs: *runs,
		SettleSec: settle.Seconds(), Probe: *probe}
	for range *runs {
		ms, cpu, rss, err := startOnce(*bin, *fixturesPath, *probe, http.Header(header), *settle, *timeout)
		if err != nil {
			return err
		}
		res.AllMs, res.AllRSS, res.AllCPUMs = append(res.AllMs, ms), append(res.AllRSS, rss), append(res.AllCPUMs, cpu)
	}
	res.MedianMs = median(res.AllMs)
	res.CPUMs = median(res.AllCPUMs)
	res.RSSBytes = int64(median(toFloat(res.AllRSS)))
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	fmt.Fprintf(stdout, "%s: median %.1f ms (%.1f ms of server CPU) to the first 200 on %s over %d starts %v; VmRSS %d bytes\n",
		res.Label, res.MedianMs, res.CPUMs, res.Probe, res.Runs, res.AllMs, res.RSSBytes)
	return nil
}

func startOnce(bin, fixturesPath, probe string, header http.Header, settle, timeout time.Duration) (ms, cpuMs float64, rss int64, err error) {
	port, err := pickPort()
	if err != nil {
		return 0, 0, 0, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	args := []string{"--addr", addr, "--log-level", "info"}
	if fixturesPath != "" {
		args = append(args, "--fixtures", fixturesPath)
	}
	cmd := exec.Command(filepath.Clean(bin), args...) // stdout/stderr discarded
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, 0, err
	}
	// exited is closed once the server has exited, with how in exitErr.
	var exitErr error
	exited := make(chan struct{})
	go func() { exitErr = cmd.Wait(); close(exited) }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	for {
		if time.Since(t0) > timeout {
			stop()
			return 0, 0, 0, fmt.Errorf("startup: %s gave no 200 on %s after %s", bin, probe, timeout)
		}
		select {
		case <-exited:
			return 0, 0, 0, fmt.Errorf("startup: %s exited early: %v", bin, exitErr)
		default:
		}
		if answers(client, "http://"+addr+probe, header) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	ms = float64(time.Since(t0).Microseconds()) / 1000
	cpuMs, cpuErr := cpuTime(cmd.Process.Pid)
	time.Sleep(settle)
	rss, err = vmRSS(cmd.Process.Pid)
	stop()
	return ms, cpuMs, rss, errors.Join(cpuErr, err)
}

// cpuTime sums the CPU time of every thread of pid, in milliseconds, from
// /proc/<pid>/task/*/schedstat (nanoseconds, unlike stat's 10 ms ticks).
func cpuTime(pid int) (float64, error) {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0, err
	}
	var ns int64
	for _, t := range tasks {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, t.Name()))
		if err != nil {
			continue // the thread ended meanwhile
		}
		f := strings.Fields(string(data))
		if len(f) == 0 {
			continue
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("unexpected /proc/%d/task/%s/schedstat", pid, t.Name())
		}
		ns += n
	}
	return float64(ns) / 1e6, nil
}

func healthy(client *http.Client, u string) bool { return answers(client, u, nil) }

// answers reports whether a GET of u with header gets a 200.
func answers(client *http.Client, u string, header http.Header) bool {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return false
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// vmRSS reads VmRSS of pid from /proc/<pid>/status, in bytes.
func vmRSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// wait polls a loopback URL until it answers 200.
func wait(args []string) error {
	fs := flag.NewFlagSet("wait", flag.ContinueOnError)
	target := fs.String("url", "", "loopback `URL` to poll")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	pid := fs.Int("pid", 0, "fail at once when this server `pid` has exited")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := loopbackURL(*target); err != nil {
		return err
	}
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	deadline := time.Now().Add(*timeout)
	for time.Now().Before(deadline) {
		if healthy(client, *target) {
			return nil
		}
		if *pid > 0 && syscall.Kill(*pid, 0) != nil {
			return fmt.Errorf("wait: the server (pid %d) for %s has exited", *pid, *target)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("wait: %s not healthy after %s", *target, *timeout)
}

func pickPort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func freePort(stdout io.Writer) error {
	p, err := pickPort()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, p)
	return err
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func toFloat(xs []int64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}
