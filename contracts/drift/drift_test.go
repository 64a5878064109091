// Package drift proves that the contract specs bite: it serves the mock
// behind a response-rewriting handler that exists only in this test,
// runs the contract suite against it by URL, and expects the suite to
// fail and to name the spec that catches each drift.
package drift_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/vendorsuite/contracts/mock"
)

// rewrite changes one response; it returns the body to send.
type rewrite func(r *http.Request, status int, body []byte) []byte

// drifting serves next and passes every response through fn.
func drifting(next http.Handler, fn rewrite) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if fn != nil {
			body = fn(r, rec.Code, body)
		}
		for k, vs := range rec.Header() {
			if k == "Content-Length" {
				continue
			}
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

var (
	buildOnce sync.Once
	suiteBin  string
	buildErr  error
	buildOut  []byte
)

// suiteBinary compiles the contract suite once (go test -c ./contracts/).
func suiteBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "contract-drift-")
		if err != nil {
			buildErr = err
			return
		}
		suiteBin = filepath.Join(dir, "contracts.test")
		cmd := exec.Command("go", "test", "-c", "-o", suiteBin, "./contracts/")
		cmd.Dir = filepath.Join("..", "..")
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("building the contract suite: %v\n%s", buildErr, buildOut)
	}
	return suiteBin
}

type junit struct {
	Suites []struct {
		Cases []struct {
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// runSuite runs the focused suite against base and returns whether it
// passed, the names of the failed specs and the output.
func runSuite(t *testing.T, base, focus, labels string) (bool, []string, string) {
	t.Helper()
	report := filepath.Join(t.TempDir(), "junit.xml")
	args := []string{"-ginkgo.junit-report=" + report, "-ginkgo.no-color"}
	if focus != "" {
		args = append(args, "-ginkgo.focus="+focus)
	}
	if labels != "" {
		args = append(args, "-ginkgo.label-filter="+labels)
	}
	cmd := exec.Command(suiteBinary(t), args...)
	cmd.Env = append(os.Environ(), "CONTRACT_BASE_URL="+base, "CONTRACT_SEED=true", "CONTRACT_ALLOW_MUTATIONS=true")
	for _, v := range []string{"CONTRACT_BASE_URL_CARE360", "CONTRACT_BASE_URL_CL2C", "CONTRACT_BASE_URL_R1DISCOVER", "CONTRACT_FIXTURES"} {
		cmd.Env = append(cmd.Env, v+"=")
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		t.Fatalf("running the suite: %v", err)
	}
	raw, rerr := os.ReadFile(report)
	if rerr != nil {
		t.Fatalf("no JUnit report: %v\n%s", rerr, out.String())
	}
	var j junit
	if err := xml.Unmarshal(raw, &j); err != nil {
		t.Fatalf("reading the JUnit report: %v", err)
	}
	var failed []string
	ran := 0
	for _, s := range j.Suites {
		for _, c := range s.Cases {
			ran++
			if c.Failure != nil {
				failed = append(failed, c.Name)
			}
		}
	}
	if ran == 0 {
		t.Fatalf("the focused suite ran nothing\n%s", out.String())
	}
	return err == nil, failed, out.String()
}

var (
	profileDob = regexp.MustCompile(`"dob":"([0-9]{4}-[0-9]{2}-[0-9]{2})T00:00:00\.000Z"`)
)

func TestContractsCatchDrift(t *testing.T) {
	tests := []struct {
		name   string
		focus  string
		labels string
		drift  rewrite
		// catches is a part of the name of a spec that must fail.
		catches string
		// mentions, when set, must appear in the output: the schema check's
		// own failure, so the gate bites without the spec's assertions.
		mentions string
	}{
		{
			name:  "a Care360 message changed by one character",
			focus: "a user of another organization",
			drift: func(r *http.Request, status int, body []byte) []byte {
				return bytes.ReplaceAll(body, []byte("does not exist in the organization"), []byte("does not exist in the organisation"))
			},
			catches: "a user of another organization",
		},
		{
			name:  "dob without its time in the UPDATE_PROFILE answer",
			focus: "page's example with the comma mended|an update, then the listing",
			drift: func(r *http.Request, status int, body []byte) []byte {
				if !bytes.Contains(body, []byte(`"message":"Profile updated successfully"`)) {
					return body
				}
				return profileDob.ReplaceAll(body, []byte(`"dob":"$1"`))
			},
			catches:  "accepts the page's example with the comma mended",
			mentions: "the care360 OpenAPI document does not describe this response",
		},
		{
			name:  "meta.hasMore true on the last page",
			focus: "walks every page",
			drift: func(r *http.Request, status int, body []byte) []byte {
				if r.Method != http.MethodGet || r.URL.Path != "/api/v1/users" {
					return body
				}
				return bytes.Replace(body, []byte(`"hasMore":false`), []byte(`"hasMore":true`), 1)
			},
			catches: "walks every page to the end, seeing each user exactly once",
		},
		{
			name:   "an R1 Discover success without data.email",
			labels: "r1discover",
			drift: func(r *http.Request, status int, body []byte) []byte {
				if status != http.StatusOK || !strings.HasPrefix(r.URL.Path, "/api/v1/companies/") {
					return body
				}
				var m map[string]any
				if json.Unmarshal(body, &m) != nil {
					return body
				}
				if d, ok := m["data"].(map[string]any); ok {
					delete(d, "email")
				}
				out, _ := json.Marshal(m)
				return out
			},
			catches:  "accepts the page's request with one working value per field",
			mentions: "the r1discover OpenAPI document does not describe this response",
		},
	}
	suiteBinary(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := mock.New(mock.Options{})
			if err != nil {
				t.Fatal(err)
			}

			honest := httptest.NewServer(drifting(m, nil))
			defer honest.Close()
			if ok, failed, out := runSuite(t, honest.URL, tt.focus, tt.labels); !ok {
				t.Fatalf("the focused specs fail even without drift: %v\n%s", failed, out)
			}

			m2, err := mock.New(mock.Options{})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(drifting(m2, tt.drift))
			defer srv.Close()
			ok, failed, out := runSuite(t, srv.URL, tt.focus, tt.labels)
			if ok {
				t.Fatalf("the suite passed against a mock with %s\n%s", tt.name, out)
			}
			caught := false
			for _, f := range failed {
				if strings.Contains(f, tt.catches) {
					caught = true
				}
			}
			if !caught {
				t.Fatalf("no failed spec named %q; failed: %v\n%s", tt.catches, failed, out)
			}
			if tt.mentions != "" && !strings.Contains(out, tt.mentions) {
				t.Fatalf("the output does not say %q\n%s", tt.mentions, out)
			}
			t.Logf("caught by: %s", strings.Join(failed, "; "))
		})
	}
}
