// Package standin_test runs the contract gate the way a CI engineer runs it
// against a real vendor, with a stand-in for that vendor: a second
// mockserver started from contracts/testdata/real-target.example.yaml
// filled in (accounts unlike the mock's defaults), its control API behind
// a token the suite is not given (no seeding, no reset), reached only by
// URL with mutations allowed. The suite must pass with a reason for every
// skip, show no credential anywhere, and leave the stand-in's state
// exactly as it found it. Then the fidelity report must agree with the
// mock, and catch a drift injected into the stand-in.
package standin_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorsuite/contracts/contracts/fidelity"
	"github.com/vendorsuite/contracts/contracts/support"
	"github.com/vendorsuite/contracts/mock/fixtures"
)

const repoRoot = "../.."

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// placeholder is what the example file asks a user to replace.
var placeholder = regexp.MustCompile(`REPLACE[-A-Za-z0-9]*`)

// fillExample replaces every placeholder of the example fixtures with a
// value of its own, as a user filling the file in would; the first API key
// it writes as a reference to an environment variable, as a CI job that
// takes it from its secret store would. env sets that variable.
func fillExample(t *testing.T, dir string) (path string, doc *fixtures.Document, env string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, "contracts", "testdata", "real-target.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	filled := placeholder.ReplaceAllStringFunc(string(src), func(p string) string {
		if v, ok := seen[p]; ok {
			return v
		}
		v := "standin-" + randomHex(12)
		seen[p] = v
		return v
	})
	if len(seen) < 5 {
		t.Fatalf("the example has %d placeholders; expected keys, tenant, user and token", len(seen))
	}
	path = filepath.Join(dir, "real-target.yaml")
	if err := os.WriteFile(path, []byte(filled), 0o600); err != nil {
		t.Fatal(err)
	}
	doc, err = fixtures.Load(path)
	if err != nil {
		t.Fatalf("the filled-in example does not load: %v", err)
	}
	key := doc.Care360.Organizations[0].ApiKeys[0]
	if err := os.WriteFile(path, []byte(strings.Replace(filled, key, "${STANDIN_CARE360_KEY}", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, doc, "STANDIN_CARE360_KEY=" + key
}

// writeJSON writes v to path as JSON.
func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// built holds the binaries every test of the package shares, built once.
type built struct{ mockserver, suite, fidelity string }

var (
	buildOnce sync.Once
	shared    built
	buildErr  error
)

// binaries builds the mockserver, the compiled contract suite and the
// fidelity command once for all tests of the package.
func binaries(t *testing.T) built {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "standin-bin-")
		if err != nil {
			buildErr = err
			return
		}
		for _, b := range []struct {
			out  *string
			name string
			args []string
		}{
			{&shared.mockserver, "mockserver", []string{"build", "./mock/cmd/mockserver"}},
			{&shared.suite, "contracts.test", []string{"test", "-c", "./contracts/"}},
			{&shared.fidelity, "fidelity", []string{"build", "./contracts/cmd/fidelity"}},
		} {
			*b.out = filepath.Join(dir, b.name)
			cmd := exec.Command("go", append(append([]string{}, b.args[0], "-o", *b.out), b.args[1:]...)...)
			cmd.Dir = repoRoot
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("go %s: %v\n%s", strings.Join(b.args, " "), err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return shared
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.suite != "" {
		os.RemoveAll(filepath.Dir(shared.suite))
	}
	os.Exit(code)
}

// standIn is the vendor stand-in: a mockserver process.
type standIn struct {
	url, token string
}

func startStandIn(t *testing.T, bin, fixturesPath string) *standIn {
	t.Helper()
	s := &standIn{url: "http://" + freeAddr(t), token: "control-" + randomHex(16)}
	var logs bytes.Buffer
	cmd := exec.Command(bin, "--addr", strings.TrimPrefix(s.url, "http://"), "--fixtures", fixturesPath,
		"--control-token", s.token, "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		if status, _ := s.control(t, http.MethodGet, "/__mock/health", ""); status == http.StatusOK {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stand-in did not answer /__mock/health:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// control calls the stand-in's control API with its token, as only the
// harness can.
func (s *standIn) control(t *testing.T, method, path, body string) (int, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Mock-Control-Token", s.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (s *standIn) state(t *testing.T) any {
	t.Helper()
	status, body := s.control(t, http.MethodGet, "/__mock/state", "")
	if status != http.StatusOK {
		t.Fatalf("reading the stand-in's state: %d %s", status, body)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

type junitReport struct {
	Suites []struct {
		Cases []struct {
			Name    string `xml:"name,attr"`
			Status  string `xml:"status,attr"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			Failure *struct {
				Message string `xml:"message,attr"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func noSecrets(t *testing.T, what, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s shows the credential %s…", what, s[:10])
		}
	}
}

func TestGateAgainstAStandInVendor(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the suite twice against a second server")
	}
	dir := t.TempDir()
	fixturesPath, doc, keyEnv := fillExample(t, dir)
	standInFixtures := filepath.Join(dir, "stand-in-world.json")
	writeJSON(t, standInFixtures, doc)
	secrets := support.SecretsOf(doc)
	bins := binaries(t)
	mockserver, suite, fidelityCmd := bins.mockserver, bins.suite, bins.fidelity
	vendor := startStandIn(t, mockserver, standInFixtures)
	secrets = append(secrets, vendor.token)
	before := vendor.state(t)

	env := append(os.Environ(),
		support.EnvBaseURL+"="+vendor.url, support.EnvFixtures+"="+fixturesPath, support.EnvAllowMutations+"=true",
		support.EnvSeed+"=", support.EnvAllowIrreversible+"=", support.EnvBaseURLFor(support.Care360)+"=",
		support.EnvBaseURLFor(support.CL2C)+"=", support.EnvBaseURLFor(support.R1Discover)+"=", "MOCK_CONTROL_TOKEN=", support.EnvControlToken+"=", keyEnv)
	junitPath := filepath.Join(dir, "standin-junit.xml")
	out := filepath.Join(dir, "reports")
	contractsDir, _ := filepath.Abs(filepath.Join(repoRoot, "contracts"))

	// 0. Preflight: a misconfigured run stops in seconds, before any spec,
	// with one line per target that the JUnit report holds too.
	for _, tc := range []struct {
		name, want string
		env        []string
	}{
		{"unreachable", "GET /__mock/health got no answer", []string{support.EnvBaseURL + "=http://" + freeAddr(t)}},
		{"seeding a real target", support.EnvSeed + "=true, but GET /__mock/health answered 401", []string{support.EnvSeed + "=true"}},
		{"wrong key", "the target refused the key; CONTRACT_FIXTURES does not describe this target", []string{"STANDIN_CARE360_KEY=wrong-key"}},
	} {
		report := filepath.Join(dir, "preflight-junit.xml")
		cmd := exec.Command(suite, "-ginkgo.junit-report="+report, "-ginkgo.no-color")
		cmd.Dir = contractsDir
		cmd.Env = append(append([]string{}, env...), tc.env...)
		start := time.Now()
		b, err := cmd.CombinedOutput()
		took := time.Since(start)
		raw, _ := os.ReadFile(report)
		switch {
		case err == nil:
			t.Errorf("%s: the run passed", tc.name)
		case took > 10*time.Second:
			t.Errorf("%s: the run took %s", tc.name, took)
		case !strings.Contains(string(b), tc.want) || !strings.Contains(string(raw), tc.want):
			t.Errorf("%s: want %q in the output and the JUnit report:\n%s", tc.name, tc.want, b)
		case !strings.Contains(string(b), "Ran 0 of"):
			t.Errorf("%s: specs ran:\n%s", tc.name, b)
		}
		t.Logf("preflight, %s: stopped in %s", tc.name, took.Round(time.Millisecond))
	}

	// 1. The gate against the stand-in (and the mock side of the fidelity
	// report, at the same time).
	started := time.Now()
	res, err := fidelity.Run(fidelity.Options{Suite: suite, ContractsDir: contractsDir, OutDir: out, Env: env,
		TargetArgs: []string{"-ginkgo.junit-report=" + junitPath}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("suite against the mock and the stand-in: %s", time.Since(started).Round(time.Millisecond))
	if res.TargetExitErr != nil {
		t.Fatalf("the suite failed against the stand-in: %v\n%s", res.TargetExitErr, res.TargetOutput)
	}
	raw, err := os.ReadFile(junitPath)
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, "the suite's output", res.TargetOutput, secrets)
	noSecrets(t, "the JUnit report", string(raw), secrets)
	var j junitReport
	if err := xml.Unmarshal(raw, &j); err != nil {
		t.Fatal(err)
	}
	passed, skipped := 0, 0
	for _, s := range j.Suites {
		for _, c := range s.Cases {
			switch {
			case c.Failure != nil:
				t.Errorf("%s failed: %s", c.Name, c.Failure.Message)
			case c.Skipped != nil:
				skipped++
				if m := strings.TrimPrefix(c.Skipped.Message, "skipped - "); strings.TrimSpace(m) == "" || m == "skipped" || strings.Contains(m, "Skip() was called in") {
					t.Errorf("%s was skipped without a reason", c.Name)
				}
			default:
				passed++
			}
		}
	}
	t.Logf("against the stand-in: %d passed, %d skipped, each with its reason", passed, skipped)
	if passed < 60 {
		t.Errorf("only %d specs passed against the stand-in", passed)
	}
	if d := fidelity.DiffJSON(before, vendor.state(t)); d != "" {
		t.Fatalf("the suite left the stand-in changed: %s", d)
	}
	if n := fidelity.Disagreements(res.Rows); n != 0 {
		md, _ := os.ReadFile(res.Markdown)
		t.Fatalf("%d specs disagree between the mock and the stand-in:\n%s", n, md)
	}

	// 2. A drift: the stand-in rewrites one documented message. The
	// fidelity command must exit non-zero and name the spec and the
	// message text in both reports.
	const drifted = "Invalid cv-api-key header"
	fault := fmt.Sprintf(`{"match":{"method":"GET","path":"/api/v1/users","credential":"contract-suite-unknown-key"},
		"response":{"status":400,"body":{"status":400,"success":false,"error":%q,"code":"CASE_ERROR"}}}`, drifted)
	if status, body := vendor.control(t, http.MethodPost, "/__mock/faults", fault); status != http.StatusCreated {
		t.Fatalf("adding the drift: %d %s", status, body)
	}
	cmd := exec.Command(fidelityCmd, "--suite", suite, "--out", out)
	cmd.Dir = filepath.Join(repoRoot)
	cmd.Env = env
	stdout, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("fidelity with a drift: %v (want exit status 1)\n%s", err, stdout)
	}
	noSecrets(t, "the fidelity command's output", string(stdout), secrets)
	const spec = "Care360 users API GET /api/v1/users refuses an unknown cv-api-key"
	wantDiff := `message text $.error: mock "Missing cv-api-key header", target "` + drifted + `"`
	for _, f := range []string{"fidelity.md", "fidelity.html"} {
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if f == "fidelity.html" {
			text = strings.ReplaceAll(text, "&#34;", `"`)
		}
		noSecrets(t, f, text, secrets)
		if !strings.Contains(text, spec) || !strings.Contains(text, wantDiff) {
			t.Errorf("%s does not name %q with %q:\n%s", f, spec, wantDiff, text)
		}
		if f == "fidelity.md" && !strings.Contains(text, "1 disagree") {
			t.Errorf("%s: want exactly 1 disagreement:\n%s", f, text)
		}
	}
	if d := fidelity.DiffJSON(before, vendor.state(t)); d != "" {
		t.Fatalf("the fidelity run left the stand-in changed: %s", d)
	}

	// 3. The state check bites: the specs labelled irreversible, allowed
	// explicitly, leave a CL2C push token behind that nothing can clear.
	irr := exec.Command(suite, "-ginkgo.label-filter=irreversible", "-ginkgo.no-color")
	irr.Dir = contractsDir
	irr.Env = append(env, support.EnvAllowIrreversible+"=true")
	if b, err := irr.CombinedOutput(); err != nil || !strings.Contains(string(b), "Passed") {
		t.Fatalf("irreversible specs, allowed: %v\n%s", err, b)
	}
	if d := fidelity.DiffJSON(before, vendor.state(t)); !strings.Contains(d, "pushToken") {
		t.Fatalf("after the irreversible specs the state differs by %q; want the push token", d)
	}
}
