package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vendorsuite/contracts/mock/cmd/loadgen/workload"
)

// Result is one load run; scripts/bench.sh collects these as JSON lines.
type Result struct {
	Kind  string `json:"kind"` // "load"
	Label string `json:"label"`
	// Engine is the load generator: "loadgen", or the wrk command line.
	Engine      string  `json:"engine"`
	Workload    string  `json:"workload"`
	URL         string  `json:"url"`
	Concurrency int     `json:"concurrency"`
	Seconds     float64 `json:"seconds"`
	Requests    int     `json:"requests"`
	RPS         float64 `json:"rps"`
	P50us       float64 `json:"p50_us"`
	P99us       float64 `json:"p99_us"`
	Errors      int     `json:"errors"`
	// ServerCPUus is the server's user+system CPU per request, or -1 when
	// no --server-pid was given.
	ServerCPUus float64  `json:"server_cpu_us_per_req"`
	FirstErrors []string `json:"first_errors,omitempty"`
	// ServerErrors counts 5xx answers (they are errors too).
	ServerErrors int `json:"server_errors"`
	// For workloads with a verification (mixed): acknowledged writes
	// compared with the final state, and those the state does not show.
	VerifiedWrites int      `json:"verified_writes,omitempty"`
	LostWrites     int      `json:"lost_writes"`
	FirstLost      []string `json:"first_lost,omitempty"`
}

const (
	maxDuration = 10 * time.Minute
	clkTck      = 100 // USER_HZ on Linux: /proc/<pid>/stat counts CPU in 1/100 s
)

func runLoad(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	target := fs.String("url", "http://127.0.0.1:8080", "base `URL` of the server (loopback only)")
	name := fs.String("workload", "get-users", "workload: "+strings.Join(workload.Names(), ", "))
	conc := fs.Int("concurrency", 32, "concurrent workers, each with its own keep-alive connection")
	dur := fs.Duration("duration", 5*time.Second, "how long to send load (at most 10m)")
	maxReq := fs.Int("max-requests", 2_000_000, "stop after this many requests")
	pid := fs.Int("server-pid", 0, "server `pid` whose CPU time to measure from /proc (0: not measured)")
	label := fs.String("label", "", "label for the result (e.g. mock, ceiling)")
	asJSON := fs.Bool("json", false, "print one JSON line instead of text")
	engine := fs.String("engine", "loadgen", "load `generator`: loadgen (this program) or wrk (seeding and CPU readings stay here)")
	wrkBin := fs.String("wrk", "wrk", "wrk `binary` for --engine wrk")
	wrkThreads := fs.Int("wrk-threads", 1, "wrk threads for workloads whose connections may share requests")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: loadgen [flags]\n       loadgen gen-fixtures|startup|wait|freeport|report [flags]\n\nDrives load at a mock on the loopback interface and reports throughput and latency.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *engine != "loadgen" && *engine != "wrk" {
		return fmt.Errorf("--engine %q: want loadgen or wrk", *engine)
	}
	sc, ok := workload.Find(*name)
	if !ok {
		return fmt.Errorf("unknown workload %q (known: %s)", *name, strings.Join(workload.Names(), ", "))
	}
	base, err := loopbackURL(*target)
	if err != nil {
		return err
	}
	if *conc < 1 || *conc > 4096 {
		return errors.New("--concurrency must be between 1 and 4096")
	}
	if *dur <= 0 || *dur > maxDuration {
		return fmt.Errorf("--duration must be positive and at most %s", maxDuration)
	}
	if *maxReq < 1 {
		return errors.New("--max-requests must be at least 1")
	}
	client := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil, // never route loopback load through a proxy
			MaxIdleConns:        *conc,
			MaxIdleConnsPerHost: *conc,
			MaxConnsPerHost:     *conc,
			IdleConnTimeout:     30 * time.Second,
			DisableCompression:  true,
		},
	}
	defer client.CloseIdleConnections()

	// The nonce keeps seeded emails unique when one server sees many runs.
	nonce := strconv.FormatInt(time.Now().UnixNano()%1_000_000_000, 36)
	if sc.Seed != nil {
		status, body, err := send(client, base, sc.Name, sc.Seed(nonce, *conc))
		if err != nil {
			return fmt.Errorf("seeding: %w", err)
		}
		if status != http.StatusOK {
			return fmt.Errorf("seeding: status %d: %s", status, body)
		}
	}

	res := Result{Kind: "load", Label: *label, Engine: "loadgen", Workload: sc.Name, URL: base, Concurrency: *conc, ServerCPUus: -1}
	if *engine == "wrk" {
		plan, err := planWrk(sc, nonce, *conc, *wrkThreads)
		if err != nil {
			return err
		}
		cpu0, err := cpuTicks(*pid)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), *dur+time.Minute)
		defer cancel()
		t, cmdline, err := runWrk(ctx, *wrkBin, base, plan, *conc, *dur)
		if err != nil {
			return err
		}
		cpu1, err := cpuTicks(*pid)
		if err != nil {
			return err
		}
		res.Engine = cmdline
		res.Requests, res.Seconds = t.Requests, t.DurationUs/1e6
		if res.Seconds > 0 {
			res.RPS = float64(t.Requests) / res.Seconds
		}
		res.P50us, res.P99us = t.P50us, t.P99us
		res.Errors, res.ServerErrors = t.Bad+t.SocketErrors, t.ServerErrors
		if t.first != "" {
			res.FirstErrors = []string{t.first}
		}
		if t.SocketErrors > 0 {
			res.FirstErrors = append(res.FirstErrors, fmt.Sprintf("%d socket errors (connect, read, write or timeout)", t.SocketErrors))
		}
		if *pid > 0 && t.Requests > 0 {
			res.ServerCPUus = float64(cpu1-cpu0) / clkTck * 1e6 / float64(t.Requests)
		}
		return printOrEncode(stdout, res, *asJSON)
	}
	cpu0, err := cpuTicks(*pid)
	if err != nil {
		return err
	}
	var (
		issued   atomic.Int64
		errCount atomic.Int64
		serverEr atomic.Int64
		errMu    sync.Mutex
		firstErr []string
		wg       sync.WaitGroup
	)
	lat := make([][]time.Duration, *conc)
	workers := make([]workload.Worker, *conc)
	start := time.Now()
	deadline := start.Add(*dur)
	for w := range *conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := sc.NewWorker(w, nonce)
			workers[w] = wk
			check, _ := wk.(workload.Checker)
			mine := make([]time.Duration, 0, 1024)
			for time.Now().Before(deadline) && issued.Add(1) <= int64(*maxReq) {
				t0 := time.Now()
				status, body, err := send(client, base, sc.Name, wk.Next())
				mine = append(mine, time.Since(t0))
				if status >= 500 {
					serverEr.Add(1)
				}
				if err == nil {
					if check != nil {
						err = check.Check(status, body)
					} else if status != sc.Status || !bytes.Contains(body, []byte(sc.BodyContains)) {
						err = fmt.Errorf("status %d: %.200s", status, body)
					}
				}
				wk.Done(status)
				if err != nil {
					errCount.Add(1)
					errMu.Lock()
					if len(firstErr) < 5 {
						firstErr = append(firstErr, err.Error())
					}
					errMu.Unlock()
				}
			}
			lat[w] = mine
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu1, err := cpuTicks(*pid)
	if err != nil {
		return err
	}

	all := slices.Concat(lat...)
	slices.Sort(all)
	res.Requests = len(all)
	res.Seconds = elapsed.Seconds()
	res.RPS = float64(len(all)) / elapsed.Seconds()
	res.P50us = micros(percentile(all, 50))
	res.P99us = micros(percentile(all, 99))
	res.Errors = int(errCount.Load())
	res.FirstErrors = firstErr
	res.ServerErrors = int(serverEr.Load())
	if sc.Verify != nil {
		status, state, err := send(client, base, sc.Name, &workload.Request{Method: http.MethodGet, Target: "/__mock/state"})
		if err != nil || status != http.StatusOK {
			return fmt.Errorf("verifying: GET /__mock/state: %d %v", status, err)
		}
		checked, lost, err := sc.Verify(state, workers)
		if err != nil {
			return fmt.Errorf("verifying: %w", err)
		}
		res.VerifiedWrites, res.LostWrites = checked, len(lost)
		res.FirstLost = lost[:min(len(lost), 5)]
	}
	if *pid > 0 && len(all) > 0 {
		res.ServerCPUus = float64(cpu1-cpu0) / clkTck * 1e6 / float64(len(all))
	}
	return printOrEncode(stdout, res, *asJSON)
}

// printOrEncode prints res for people, or as one JSON line for scripts
// with the text on stderr.
func printOrEncode(stdout io.Writer, res Result, asJSON bool) error {
	text := stdout
	if asJSON {
		if err := json.NewEncoder(stdout).Encode(res); err != nil {
			return err
		}
		text = os.Stderr
	}
	printResult(text, res)
	return nil
}

func printResult(w io.Writer, res Result) {
	fmt.Fprintf(w, "%s %s [%s]: %d requests in %.2fs, %.0f req/s, p50 %.0fµs, p99 %.0fµs, errors %d (5xx %d)",
		res.Label, res.Workload, res.Engine, res.Requests, res.Seconds, res.RPS, res.P50us, res.P99us, res.Errors, res.ServerErrors)
	if res.VerifiedWrites > 0 || res.LostWrites > 0 {
		fmt.Fprintf(w, ", lost writes %d of %d verified", res.LostWrites, res.VerifiedWrites)
	}
	if res.ServerCPUus >= 0 {
		fmt.Fprintf(w, ", server CPU %.1fµs/req", res.ServerCPUus)
	}
	fmt.Fprintln(w)
	for _, e := range res.FirstErrors {
		fmt.Fprintln(w, "  error:", e)
	}
	for _, l := range res.FirstLost {
		fmt.Fprintln(w, "  lost write:", l)
	}
}

// send performs one request and reads the whole body, so the connection
// goes back to the pool.
func send(client *http.Client, base, name string, r *workload.Request) (int, []byte, error) {
	req, err := http.NewRequest(r.Method, base+r.Target, bytes.NewReader(r.Body))
	if err != nil {
		return 0, nil, err
	}
	if r.Body == nil {
		req.Body, req.ContentLength = nil, 0
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	req.Header.Set(workload.Header, name)
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	return sorted[max(rank, 1)-1]
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// loopbackURL refuses anything but http on a loopback address: loadgen is
// for the local mock, never for a vendor.
func loopbackURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("--url: %w", err)
	}
	if u.Scheme != "http" {
		return "", fmt.Errorf("--url %q: only http is supported", raw)
	}
	if !isLoopbackHost(u.Hostname()) {
		return "", fmt.Errorf("--url %q: refusing a non-loopback host", raw)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/"), nil
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// cpuTicks returns utime+stime of pid from /proc/<pid>/stat, in clock
// ticks; 0 when pid is 0.
func cpuTicks(pid int) (int64, error) {
	if pid <= 0 {
		return 0, nil
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("--server-pid: %w", err)
	}
	// The command name may contain spaces and parentheses; fields start
	// after the last ')'. utime and stime are fields 14 and 15 overall,
	// i.e. 12 and 13 counting from the state field.
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("--server-pid: unexpected /proc/%d/stat", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("--server-pid: unexpected /proc/%d/stat", pid)
	}
	return ut + st, nil
}
