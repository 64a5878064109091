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
			w.WriteByte(',')
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
}

// startup starts a mockserver binary --runs times on a free loopback port,
// times it to the first 200 on /__mock/health, reads its VmRSS and stops it.
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bin == "" || *runs < 1 {
		return errors.New("startup: --bin is required and --runs must be at least 1")
	}
	res := StartupResult{Kind: "startup", Label: *label, Fixtures: *fixturesPath, Users: *users, Runs: *runs, SettleSec: settle.Seconds()}
	for range *runs {
		ms, rss, err := startOnce(*bin, *fixturesPath, *settle, *timeout)
		if err != nil {
			return err
		}
		res.AllMs, res.AllRSS = append(res.AllMs, ms), append(res.AllRSS, rss)
	}
	res.MedianMs = median(res.AllMs)
	res.RSSBytes = int64(median(toFloat(res.AllRSS)))
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	fmt.Fprintf(stdout, "%s: median %.1f ms to first healthy answer over %d starts %v; VmRSS %d bytes\n", res.Label, res.MedianMs, res.Runs, res.AllMs, res.RSSBytes)
	return nil
}

func startOnce(bin, fixturesPath string, settle, timeout time.Duration) (float64, int64, error) {
	port, err := pickPort()
	if err != nil {
		return 0, 0, err
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
		return 0, 0, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
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
			return 0, 0, fmt.Errorf("startup: %s not healthy after %s", bin, timeout)
		}
		select {
		case err := <-exited:
			return 0, 0, fmt.Errorf("startup: %s exited early: %v", bin, err)
		default:
		}
		if healthy(client, "http://"+addr+"/__mock/health") {
			break
		}
		time.Sleep(time.Millisecond)
	}
	ms := float64(time.Since(t0).Microseconds()) / 1000
	time.Sleep(settle)
	rss, err := vmRSS(cmd.Process.Pid)
	stop()
	return ms, rss, err
}

func healthy(client *http.Client, u string) bool {
	resp, err := client.Get(u)
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
