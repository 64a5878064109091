package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vendorsuite/contracts/mock/statefile"
)

// syncBuffer collects a server's log safely while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitHealthy(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/__mock/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no server on %s", addr)
}

func TestHelpListsEveryFlag(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{"-addr", "-fixtures", "-vendors", "-log-level", "-control-token", "-insecure-control", "-no-control", "-state-file", "-save-writes", "-journal-size", "-journal-bytes", "-journal-total-bytes", "-max-sessions", "-max-body-bytes", "-max-control-bytes"} {
		if !strings.Contains(out.String(), flag) {
			t.Errorf("--help does not explain %s", flag)
		}
	}
}

func TestStartupRefusals(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	badFixtures := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(badFixtures, []byte("care360: {organizations: [{id: x}]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badSchema := filepath.Join(t.TempDir(), "bad-schema.yaml")
	if err := os.WriteFile(badSchema, []byte("care360: {organizations: [{id: x, colour: blue}]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyFixtures := filepath.Join(t.TempDir(), "empty.yaml")
	if err := os.WriteFile(emptyFixtures, []byte("# nothing yet\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badState := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(badState, []byte("{ torn"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"port taken", []string{"--addr", taken.Addr().String()}, "cannot listen on " + taken.Addr().String()},
		{"bad fixtures", []string{"--fixtures", badFixtures}, badFixtures + ": fixture document rejected: care360.organizations[0].name is required for a new organization"},
		{"schema and domain problems together", []string{"--fixtures", badSchema}, badSchema + `: fixture document rejected: care360.organizations[0]: property "colour" is unsupported; care360.organizations[0].name is required for a new organization`},
		{"empty fixtures", []string{"--fixtures", emptyFixtures}, emptyFixtures + ": fixture document rejected: the document is empty"},
		{"unknown vendor", []string{"--vendors", "acme"}, `unknown vendor "acme"`},
		{"open control API on all interfaces", []string{"--addr", "0.0.0.0:0"}, "refusing to serve the control API without a token"},
		{"unreadable state file", []string{"--addr", "127.0.0.1:0", "--state-file", badState}, "state file " + badState + " cannot be used"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
}

func TestControlTokenAndLogs(t *testing.T) {
	addr := freeAddr(t)
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--addr", addr, "--control-token", "s3cret"}, logs) }()
	stopped := false
	defer func() {
		if !stopped {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("the server stopped with %v", err)
			}
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), `"msg":"serving"`) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	get := func(path string, header ...string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/__mock/state"); code != 401 || !strings.HasPrefix(body, `{"errors":["the control API needs the X-Mock-Control-Token header`) {
		t.Fatalf("without token: %d %s", code, body)
	}
	if code, _ := get("/__mock/state", "X-Mock-Control-Token", "wrong"); code != 401 {
		t.Fatalf("wrong token: %d", code)
	}
	if code, _ := get("/__mock/state", "X-Mock-Control-Token", "s3cret"); code != 200 {
		t.Fatalf("right token: %d", code)
	}
	if code, _ := get("/api/v1/users?limit=1", "cv-api-key", "cv-demo-key"); code != 200 {
		t.Fatalf("vendor call: %d", code)
	}
	if code, _ := get("/api/v1/users?limit=1", "cv-api-key", "cv-secret-unknown-key"); code != 400 {
		t.Fatalf("unknown key: %d", code)
	}
	get("/api/v1/companies/1/users/x", "Authorization", "Bearer r1-demo-token")
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	stopped = true
	for _, secret := range []string{"cv-demo-key", "cv-secret-unknown-key", "s3cret", "r1-demo-token"} {
		if strings.Contains(logs.String(), secret) {
			t.Fatalf("the log contains %q:\n%s", secret, logs)
		}
	}
	if !strings.Contains(logs.String(), `"msg":"request"`) {
		t.Fatalf("no request lines logged:\n%s", logs)
	}
}

// TestStateFileSurvivesKills kills the server (SIGKILL) at random moments
// while it saves after every write, and checks that every restart finds a
// readable state file that holds only acknowledged writes or later ones.
func TestStateFileSurvivesKills(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := filepath.Join(t.TempDir(), "mockserver")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	state := filepath.Join(t.TempDir(), "state.json")
	rng := rand.New(rand.NewPCG(1, 2))
	acknowledged := 0
	for round := range 5 {
		addr := freeAddr(t)
		cmd := exec.Command(bin, "--addr", addr, "--state-file", state, "--save-writes", "1", "--save-interval", "1ms", "--log-level", "error")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitHealthy(t, addr)
		// The city written last before the kill must be at least the last
		// acknowledged one once saved; every restart must load.
		stop := time.After(time.Duration(50+rng.IntN(150)) * time.Millisecond)
		lastAcked := -1
	writes:
		for i := 0; ; i++ {
			select {
			case <-stop:
				break writes
			default:
			}
			body := fmt.Sprintf(`{"action":"UPDATE_PROFILE","data":{"email":"jane.roe@example.com","city":"City %d-%d"}}`, round, i)
			req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/users", strings.NewReader(body))
			req.Header.Set("cv-api-key", "cv-demo-key")
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == 200 {
				acknowledged++
				lastAcked = i
			}
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait() // killed: its exit status says only that
		doc, found, err := statefile.Load(state)
		if err != nil || (!found && acknowledged > 0) {
			t.Fatalf("round %d: state file unusable after a kill (found=%v): %v\n%s", round, found, err, stderr.String())
		}
		// --save-writes 1: the file holds the last acknowledged write, or
		// the one in flight when the kill came.
		if lastAcked >= 0 {
			stored := -1
			for _, o := range doc.Care360.Organizations {
				for _, u := range o.Users {
					if u.Email == "jane.roe@example.com" && u.City != nil {
						_, _ = fmt.Sscanf(*u.City, "City "+fmt.Sprint(round)+"-%d", &stored) // another city leaves stored at -1
					}
				}
			}
			if stored < lastAcked {
				t.Fatalf("round %d: write %d was acknowledged but the file holds write %d", round, lastAcked, stored)
			}
		}
	}
	if acknowledged == 0 {
		t.Fatal("no write was acknowledged")
	}
	// A clean shutdown saves the last write.
	addr := freeAddr(t)
	cmd := exec.Command(bin, "--addr", addr, "--state-file", state, "--save-interval", "1h", "--save-writes", "1000000")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitHealthy(t, addr)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/users", strings.NewReader(`{"action":"UPDATE_PROFILE","data":{"email":"jane.roe@example.com","city":"Last City"}}`))
	req.Header.Set("cv-api-key", "cv-demo-key")
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("write: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	data, _ := os.ReadFile(state)
	if !bytes.Contains(data, []byte("Last City")) {
		t.Fatal("the shutdown save lost the last write")
	}
}
