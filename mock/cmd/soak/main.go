// Command soak runs the mockserver binary under sustained load while
// killing it with SIGKILL and restarting it, and reports what a team
// relying on it would care about: requests served, 5xx answers, writes
// acknowledged before a kill that the restarted server no longer has, and
// the peak resident memory. Connections spread over the default world and
// two named sessions; lost writes are counted on the default world, the
// one the state file keeps.
package main

import (
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
)

const (
	tenant   = "soak-tenant"
	cl2cKey  = "soak-cl2c-key"
	careKey  = "soak-care-key"
	sessions = 3 // the default world and two named sessions
)

type config struct {
	server     string
	duration   time.Duration
	conns      int
	kills      int
	saveWrites int
	dir        string
}

func main() {
	var c config
	flag.StringVar(&c.server, "mockserver", "", "path of the mockserver binary")
	flag.DurationVar(&c.duration, "duration", 60*time.Second, "how long to load")
	flag.IntVar(&c.conns, "conns", 256, "concurrent connections")
	flag.IntVar(&c.kills, "kills", 100, "SIGKILL/restart cycles, spread over the duration")
	flag.IntVar(&c.saveWrites, "save-writes", 1, "the mockserver's --save-writes (1: every write on disk before its answer)")
	flag.StringVar(&c.dir, "dir", "", "folder for the fixtures and the state file (default: a temporary one)")
	flag.Usage = func() {
		fmt.Fprint(flag.CommandLine.Output(), "Usage: soak --mockserver BINARY [flags]\n\nLoads a mockserver binary while killing and restarting it; reports 5xx answers and lost writes.\n\nFlags:\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if c.server == "" {
		fmt.Fprintln(os.Stderr, "soak: --mockserver is required")
		os.Exit(2)
	}
	r, err := run(c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
	fmt.Printf("soak: %d connections for %s, %d kill -9/restart cycles, --save-writes %d\n", c.conns, c.duration, r.kills, c.saveWrites)
	fmt.Printf("requests served: %d (%.0f/s), 2xx %d, 4xx %d, 5xx %d, refused while down %d\n",
		r.served.Load(), float64(r.served.Load())/c.duration.Seconds(), r.ok.Load(), r.client.Load(), r.server.Load(), r.down.Load())
	fmt.Printf("writes acknowledged: %d, acknowledged writes lost: %d (at most %d in one kill; checked after every restart, on %d default-world users)\n",
		r.acked.Load(), r.lost, r.maxLost, r.checkedUsers)
	fmt.Printf("restart to healthy: median %s, max %s; peak RSS: %.1f MiB\n", r.medianRestart, r.maxRestart, float64(r.peakRSS)/(1<<20))
	if r.server.Load() != 0 || (c.saveWrites == 1 && r.lost != 0) || r.served.Load() == 0 {
		os.Exit(1)
	}
}

type result struct {
	served, ok, client, server, down, acked atomic.Int64
	lost, maxLost, checkedUsers, kills      int
	peakRSS                                 int64
	medianRestart, maxRestart               time.Duration
}

// worker owns one CL2C user in its session: its writes carry increasing
// sequence numbers, so the stored name tells which writes were kept.
type worker struct {
	session string
	user    string
	acked   atomic.Int64 // highest sequence number acknowledged
}

func run(c config) (*result, error) {
	dir := c.dir
	if dir == "" {
		d, err := os.MkdirTemp("", "soak-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	workers := make([]*worker, c.conns)
	for i := range workers {
		w := &worker{user: fmt.Sprintf("soak-user-%d", i)}
		if s := i % sessions; s > 0 {
			w.session = fmt.Sprintf("soak-%d", s)
		}
		workers[i] = w
	}
	fixturesPath := filepath.Join(dir, "fixtures.json")
	if err := writeFixtures(fixturesPath, workers); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	srv := &server{bin: c.server, args: []string{"--addr", "127.0.0.1:" + strconv.Itoa(port), "--fixtures", fixturesPath,
		"--state-file", filepath.Join(dir, "state.json"), "--save-writes", strconv.Itoa(c.saveWrites), "--log-level", "error"},
		log: filepath.Join(dir, "mockserver.log")}
	if _, err := srv.start(base); err != nil {
		return nil, err
	}
	defer srv.kill()

	r := &result{}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: c.conns, MaxIdleConnsPerHost: c.conns, MaxConnsPerHost: c.conns, IdleConnTimeout: 30 * time.Second,
	}}
	deadline := time.Now().Add(c.duration)
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.load(client, base, deadline, r)
		}()
	}

	var restarts []time.Duration
	var failure error
	interval := c.duration / time.Duration(c.kills+1)
	for k := 0; k < c.kills && failure == nil; k++ {
		time.Sleep(interval)
		r.peakRSS = max(r.peakRSS, srv.peakRSS())
		srv.kill()
		r.kills++
		// Nothing is answered between the kill and the restart, so these
		// are exactly the writes acknowledged before the kill.
		acked := make([]int64, len(workers))
		for i, w := range workers {
			acked[i] = w.acked.Load()
		}
		took, err := srv.start(base)
		if err != nil {
			failure = err
			break
		}
		restarts = append(restarts, took)
		lost, checked, err := verify(client, base, workers, acked)
		if err != nil {
			failure = err
			break
		}
		r.lost += lost
		r.maxLost = max(r.maxLost, lost)
		r.checkedUsers = checked
	}
	wg.Wait()
	r.peakRSS = max(r.peakRSS, srv.peakRSS())
	if failure != nil {
		return nil, failure
	}
	acked := make([]int64, len(workers))
	for i, w := range workers {
		acked[i] = w.acked.Load()
	}
	lost, checked, err := verify(client, base, workers, acked)
	if err != nil {
		return nil, err
	}
	r.lost += lost
	r.checkedUsers = checked
	if len(restarts) > 0 {
		sorted := append([]time.Duration(nil), restarts...)
		for i := range sorted {
			for j := i + 1; j < len(sorted); j++ {
				if sorted[j] < sorted[i] {
					sorted[i], sorted[j] = sorted[j], sorted[i]
				}
			}
		}
		r.medianRestart, r.maxRestart = sorted[len(sorted)/2], sorted[len(sorted)-1]
	}
	return r, nil
}

// load alternates a write of the worker's user with a page of Care360
// users until the deadline, retrying while the server is down.
func (w *worker) load(client *http.Client, base string, deadline time.Time, r *result) {
	seq := w.acked.Load()
	for i := 0; time.Now().Before(deadline); i++ {
		var req *http.Request
		write := i%2 == 0
		if write {
			seq++
			body := fmt.Sprintf(`{"id":%q,"firstName":"v%d","lastName":"Soak"}`, w.user, seq)
			req, _ = http.NewRequest(http.MethodPut, base+"/v1/cl2c/user", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("tenant", tenant)
			req.Header.Set("X-API-Key", cl2cKey)
		} else {
			req, _ = http.NewRequest(http.MethodGet, base+"/api/v1/users?limit=10", nil)
			req.Header.Set("cv-api-key", careKey)
		}
		if w.session != "" {
			req.Header.Set("X-Mock-Session", w.session)
		}
		resp, err := client.Do(req)
		if err != nil {
			r.down.Add(1)
			time.Sleep(5 * time.Millisecond)
			continue
		}
		_, copyErr := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if copyErr != nil {
			r.down.Add(1) // the answer was cut by a kill: not acknowledged
			continue
		}
		r.served.Add(1)
		switch {
		case resp.StatusCode >= 500:
			r.server.Add(1)
		case resp.StatusCode >= 400:
			r.client.Add(1)
		default:
			r.ok.Add(1)
			if write {
				w.acked.Store(seq)
				r.acked.Add(1)
			}
		}
	}
}

// verify reads the default world and counts the acknowledged writes it
// lacks: a worker whose stored sequence is below its acknowledged one lost
// the difference.
func verify(client *http.Client, base string, workers []*worker, acked []int64) (lost, checked int, err error) {
	req, _ := http.NewRequest(http.MethodGet, base+"/__mock/state", nil)
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, fmt.Errorf("reading the state after a restart: %w", err)
	}
	defer resp.Body.Close()
	var doc mockcontrol.FixtureDocument
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return 0, 0, fmt.Errorf("reading the state after a restart: %w", err)
	}
	stored := map[string]int64{}
	if doc.Cl2c != nil {
		for _, t := range doc.Cl2c.Tenants {
			for _, u := range t.Users {
				if u.FirstName != nil {
					n, _ := strconv.ParseInt(strings.TrimPrefix(*u.FirstName, "v"), 10, 64)
					stored[u.Id] = n
				}
			}
		}
	}
	for i, w := range workers {
		if w.session != "" {
			continue
		}
		checked++
		if got := stored[w.user]; got < acked[i] {
			lost += int(acked[i] - got)
		}
	}
	return lost, checked, nil
}

// writeFixtures writes the startup world: a CL2C tenant holding every
// worker's user and a Care360 organization with a page of users to read.
func writeFixtures(path string, workers []*worker) error {
	users := make([]mockcontrol.Cl2cUser, len(workers))
	for i, w := range workers {
		first := "v0"
		users[i] = mockcontrol.Cl2cUser{Id: w.user, FirstName: &first}
	}
	var care []mockcontrol.Care360User
	role := "USER"
	for i := range 20 {
		care = append(care, mockcontrol.Care360User{Email: fmt.Sprintf("reader%d@soak.example", i), Role: &role})
	}
	doc := mockcontrol.FixtureDocument{
		Care360: &mockcontrol.Care360Fixtures{Organizations: []mockcontrol.Care360Organization{{Name: "Soak", ApiKeys: []string{careKey}, Users: care}}},
		Cl2c:    &mockcontrol.Cl2cFixtures{Tenants: []mockcontrol.Cl2cTenant{{Id: tenant, ApiKeys: []string{cl2cKey}, Users: users}}},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// server is the mockserver process under test.
type server struct {
	bin  string
	args []string
	log  string
	cmd  *exec.Cmd
}

// start runs the server and waits for its health answer.
func (s *server) start(base string) (time.Duration, error) {
	logFile, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return 0, err
	}
	defer logFile.Close()
	begin := time.Now()
	cmd := exec.Command(s.bin, s.args...)
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	s.cmd = cmd
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	probe := &http.Client{Timeout: time.Second}
	for time.Since(begin) < 20*time.Second {
		select {
		case err := <-exited:
			s.cmd = nil
			log, _ := os.ReadFile(s.log)
			return 0, fmt.Errorf("the mockserver exited at start (%v):\n%s", err, lastLines(string(log), 10))
		default:
		}
		if resp, err := probe.Get(base + "/__mock/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(begin), nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return 0, errors.New("the mockserver did not become healthy within 20s")
}

// kill stops the server with SIGKILL, the way a crash or OOM kill would.
func (s *server) kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	// The waiting goroutine reaps it; until then signal 0 still succeeds.
	for syscall.Kill(s.cmd.Process.Pid, 0) == nil {
		time.Sleep(time.Millisecond)
	}
	s.cmd = nil
}

// peakRSS reads the process's high-water resident size (VmHWM).
func (s *server) peakRSS() int64 {
	if s.cmd == nil {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
