package main

import (
	"bytes"
	"errors"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorsuite/contracts/mock"
)

func TestRecordWritesTheSessionAsAScenario(t *testing.T) {
	m, err := mock.New(mock.Options{ControlToken: "ctl"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/users?limit=1", nil)
	req.Header.Set("cv-api-key", "cv-demo-key")
	req.Header.Set(mock.SessionHeader, "qa")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	out := filepath.Join(t.TempDir(), "care360", "listed.yaml")
	var stderr bytes.Buffer
	if err := run([]string{"--url", srv.URL, "--session", "qa", "--name", "listed", "--out", out}, &bytes.Buffer{}, &stderr); err == nil ||
		!strings.Contains(err.Error(), "401") {
		t.Fatalf("without the control token: %v", err)
	}
	t.Setenv("MOCK_CONTROL_TOKEN", "ctl")
	if err := run([]string{"--url", srv.URL, "--session", "qa", "--vendor", "care360", "--name", "listed", "--out", out}, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(out); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the recording (bodies may carry health data) is not private: %v %v", info.Mode(), err)
	}
	// An existing world-readable file is narrowed when overwritten.
	if err := os.Chmod(out, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"--url", srv.URL, "--session", "qa", "--vendor", "care360", "--name", "listed", "--out", out}, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if info, _ := os.Stat(out); info.Mode().Perm() != 0o600 {
		t.Fatalf("an overwritten recording kept mode %v", info.Mode())
	}
	for _, want := range []string{"name: listed", "vendor: care360", "cv-api-key: ${credential.care360.org_demo}", "limit: \"1\""} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the file lacks %q:\n%s", want, b)
		}
	}
	if err := run([]string{"--url", srv.URL}, &bytes.Buffer{}, &stderr); err == nil {
		t.Fatal("no --name and --out accepted")
	}
}

// --help describes the tool in a line and is not a failure (main exits 0
// on flag.ErrHelp).
func TestHelpIsNotAFailure(t *testing.T) {
	var stderr bytes.Buffer
	err := run([]string{"--help"}, &bytes.Buffer{}, &stderr)
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr.String(), "Saves what a mock session served as a scenario file") {
		t.Fatalf("got %v\n%s", err, stderr.String())
	}
}
