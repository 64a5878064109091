package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startServer runs the server in-process with args (an --addr is added)
// and stops it when the test ends.
func startServer(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	addr := freeAddr(t)
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"--addr", addr}, args...), logs) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("the server stopped with %v", err)
		}
	})
	waitHealthy(t, addr)
	return addr, logs
}

func call(t *testing.T, method, url, body string, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
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

func TestStateFileRefusedAtStart(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	blank := filepath.Join(dir, "blank.json")
	if err := os.WriteFile(blank, []byte(" \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missingDir := filepath.Join(dir, "no-such-dir", "state.json")
	notADir := filepath.Join(empty, "state.json")
	for _, tt := range []struct {
		name, path, want string
	}{
		{"empty file", empty, "state file " + empty + " cannot be used: it is empty (a saved state never is); remove it to start from the fixtures"},
		{"blank file", blank, "state file " + blank + " cannot be used: it is empty (a saved state never is); remove it to start from the fixtures"},
		{"missing directory", missingDir, "state file " + missingDir + " cannot be saved: stat " + filepath.Dir(missingDir) + ": no such file or directory"},
		{"directory is a file", notADir, "state file " + notADir + " cannot be saved: " + empty + " is not a directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), []string{"--addr", "127.0.0.1:0", "--state-file", tt.path}, io.Discard)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v\nwant %s", err, tt.want)
			}
		})
	}
	if data, _ := os.ReadFile(empty); len(data) != 0 {
		t.Fatal("the refused empty state file was overwritten")
	}
}

func TestLeftoverTemporaryFilesRemovedAtStart(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	leftover := filepath.Join(dir, ".state.json.tmp-123456")
	other := filepath.Join(dir, ".other.json.tmp-1")
	if err := os.WriteFile(leftover, []byte(`{"care360":`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, []byte("not ours"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, logs := startServer(t, "--state-file", state)
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Fatalf("the leftover temporary file is still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Fatalf("another file's temporary file was removed: %v", err)
	}
	if !strings.Contains(logs.String(), `"msg":"removed a temporary file an interrupted save left behind","file":"`+leftover+`"`) {
		t.Fatalf("the removal was not logged:\n%s", logs)
	}
}

// TestFailingSaveRefusesWrites takes the state file's directory away while
// the server runs in the strongest mode: the write whose save fails is
// answered 503, health turns unhealthy with the reason, later writes are
// refused in the vendor's envelope, and all recovers once a save succeeds.
func TestFailingSaveRefusesWrites(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "state")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	addr, _ := startServer(t, "--state-file", filepath.Join(dir, "state.json"), "--save-writes", "1", "--save-interval", "20ms")
	base := "http://" + addr
	write := func(city string) (int, string) {
		return call(t, http.MethodPost, base+"/api/v1/users", `{"action":"UPDATE_PROFILE","data":{"email":"jane.roe@example.com","city":"`+city+`"}}`,
			"cv-api-key", "cv-demo-key", "Content-Type", "application/json")
	}
	if code, body := write("Kept"); code != 200 {
		t.Fatalf("first write: %d %s", code, body)
	}
	saved, _ := os.ReadFile(filepath.Join(dir, "state.json"))
	if !strings.Contains(string(saved), `"city":"Kept"`) {
		t.Fatal("an acknowledged write was not on disk when answered")
	}
	if err := os.Rename(dir, dir+".away"); err != nil {
		t.Fatal(err)
	}
	code, body := write("Unsaved")
	if code != 503 || !strings.HasPrefix(body, `{"status":503,"success":false,"message":"The mock could not save this write, so it may be lost: open `+dir+`/.state.json.tmp-`) {
		t.Fatalf("write whose save failed: %d %s", code, body)
	}
	code, body = call(t, http.MethodGet, base+"/__mock/health", "")
	if code != 503 || !strings.HasPrefix(body, `{"status":"unhealthy","reason":"saving the state file failed: open `+dir+`/.state.json.tmp-`) {
		t.Fatalf("health while saves fail: %d %s", code, body)
	}
	code, body = write("Refused")
	if code != 503 || !strings.HasPrefix(body, `{"status":503,"success":false,"message":"The mock cannot save its state, so it accepts no writes until a save succeeds: saving the state file failed: open `) {
		t.Fatalf("write while saves fail: %d %s", code, body)
	}
	if code, _ := call(t, http.MethodGet, base+"/api/v1/users?limit=1", "", "cv-api-key", "cv-demo-key"); code != 200 {
		t.Fatalf("reads must go on while saves fail: %d", code)
	}
	// The journal shows what the client was answered, not what the
	// handler had prepared.
	_, journal := call(t, http.MethodGet, base+"/__mock/requests?method=POST", "")
	if strings.Count(journal, `"status":503`) != 2 || strings.Count(journal, `"status":200`) != 1 {
		t.Fatalf("journal: %s", journal)
	}
	if err := os.Rename(dir+".away", dir); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, body = call(t, http.MethodGet, base+"/__mock/health", "")
		if code == 200 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code != 200 || body != `{"status":"ok"}` {
		t.Fatalf("health after the directory came back: %d %s", code, body)
	}
	if code, body := write("After"); code != 200 {
		t.Fatalf("write after recovery: %d %s", code, body)
	}
}

func TestEmptyControlTokenFlagWithVariableSet(t *testing.T) {
	t.Setenv("MOCK_CONTROL_TOKEN", "from-env")
	err := run(context.Background(), []string{"--addr", "127.0.0.1:0", "--control-token", ""}, io.Discard)
	want := "--control-token is empty but MOCK_CONTROL_TOKEN is set: an empty flag would switch the token off; unset MOCK_CONTROL_TOKEN to run without a token, or drop the flag to use it"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v", err)
	}
}

// TestControlWithoutTokenRefusesWebPages sends the requests a web page in
// the user's browser could make to a tokenless control API on loopback.
func TestControlWithoutTokenRefusesWebPages(t *testing.T) {
	addr, _ := startServer(t)
	base := "http://" + addr
	json := "application/json"
	for _, tt := range []struct {
		name, method, path, body string
		header                   []string
		status                   int
		want                     string
	}{
		{"form-style POST without a JSON type", "POST", "/__mock/reset", "", []string{"Content-Type", "text/plain"}, 403,
			`{"errors":["control calls that change state must carry Content-Type: application/json (or a YAML type), even without a body"]}`},
		{"bodyless POST without a type", "POST", "/__mock/reset", "", nil, 403,
			`{"errors":["control calls that change state must carry Content-Type: application/json (or a YAML type), even without a body"]}`},
		{"DNS-rebound host name", "GET", "/__mock/state", "", []string{"Host", "attacker.example:" + strings.Split(addr, ":")[1]}, 403,
			`{"errors":["control calls without a control token must be addressed to a loopback host (localhost, 127.0.0.1 or [::1]), not attacker.example:` + strings.Split(addr, ":")[1] + `"]}`},
		{"another site's origin", "POST", "/__mock/reset", "", []string{"Content-Type", json, "Origin", "http://attacker.example"}, 403,
			`{"errors":["control calls from another web site are refused (Origin: http://attacker.example)"]}`},
		{"cross-site fetch metadata", "POST", "/__mock/reset", "", []string{"Content-Type", json, "Sec-Fetch-Site", "cross-site"}, 403,
			`{"errors":["control calls from another web site are refused (Sec-Fetch-Site: cross-site)"]}`},
		{"a tool with the JSON type", "POST", "/__mock/reset", "", []string{"Content-Type", json}, 200, `{"care360":`},
		{"the same origin's page (the console)", "POST", "/__mock/reset", "", []string{"Content-Type", json, "Origin", base, "Sec-Fetch-Site", "same-origin"}, 200, `{"care360":`},
		{"localhost by name", "GET", "/__mock/health", "", []string{"Host", "localhost:" + strings.Split(addr, ":")[1]}, 200, `{"status":"ok"}`},
		{"JSON duplicate keys", "PUT", "/__mock/state", `{"care360":{},"care360":{}}`, []string{"Content-Type", json}, 400,
			`{"errors":["not a JSON or YAML document: line 1: key \"care360\" appears twice"]}`},
		{"empty session name", "GET", "/__sessions//api/v1/users", "", []string{"cv-api-key", "cv-demo-key"}, 400,
			`{"status":400,"success":false,"error":"The session name \"\" is not valid: it must match ^[A-Za-z0-9._-]{1,64}$","code":"VALIDATION_ERROR"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, body := call(t, tt.method, base+tt.path, tt.body, tt.header...)
			if code != tt.status || !strings.HasPrefix(body, tt.want) {
				t.Fatalf("%d %s\nwant %d %s", code, body, tt.status, tt.want)
			}
		})
	}
}
