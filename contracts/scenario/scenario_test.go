package scenario_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorsuite/contracts/contracts/scenario"
	"github.com/vendorsuite/contracts/contracts/scenario/ontargets"
	"github.com/vendorsuite/contracts/contracts/support"
	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/fixtures"
)

// send makes one request to the mock in session, failing the test when no
// answer comes.
func send(t *testing.T, base, session, method, path, body string, header ...string) (int, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if session != "" {
		req.Header.Set(mock.SessionHeader, session)
	}
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

func inProcessTargets(t *testing.T) (*support.Targets, string) {
	t.Helper()
	m, err := mock.New(mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	targets, err := support.NewTargets(support.Config{URLs: map[string]string{}}, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := targets.Preflight(nil); err != nil {
		t.Fatal(err)
	}
	return targets, srv.URL
}

// A session recorded against the mock (GET /__mock/requests?format=scenario)
// loads as it is and replays green in a fresh session; with a fault the
// QA adds to the file, too.
func TestRecordedScenarioReplays(t *testing.T) {
	targets, base := inProcessTargets(t)
	const rec = "recording"
	c360 := []string{"cv-api-key", "cv-demo-key"}
	cl2c := []string{"tenant", "tenant-demo", "X-API-Key", "cl2c-demo-key"}
	calls := []struct {
		method, path, body string
		header             []string
		status             int
	}{
		{"POST", "/api/v1/users", `{"action":"UPDATE_PROFILE","data":{"email":"jane.roe@example.com","city":"Oslo","phoneNumber":"+15550000001"}}`, c360, 400},
		{"POST", "/api/v1/users", `{"action":"UPDATE_PROFILE","data":{"email":"jane.roe@example.com","city":"Oslo"}}`, c360, 200},
		{"POST", "/api/v1/users", `{"action":"UPDATE_EMAIL","data":{"currentEmail":"jane.roe@example.com","newEmail":"jane.oslo@example.com"}}`, c360, 200},
		{"GET", "/api/v1/users?email=jane.&limit=5", "", c360, 200},
		{"GET", "/api/v1/users?limit=2&sortOrder=desc", "", c360, 200},
		{"PUT", "/v1/cl2c/user", `{"lastName":"","phoneNumber":"12"}`, cl2c, 400},
		{"PUT", "/v1/cl2c/user", `{"id":"9b2f7c1e-3d4a-4f6b-8e2d-1a2b3c4d5e6f","firstName":"Janet","lastName":"Roe"}`, cl2c, 200},
		{"PUT", "/v1/cl2c/user", `{"id":"nobody","firstName":"A","lastName":"B"}`, cl2c, 404},
		{"PUT", "/api/v1/companies/1/users/abcxyz123456", `{"client_status":"inactive"}`, []string{"Authorization", "Bearer r1-other-token"}, 403},
		{"PUT", "/api/v1/companies/1/users/abcxyz123456", `{"client_status":"inactive"}`, []string{"Authorization", "Bearer r1-demo-token", "Accept", "application/json"}, 200},
		{"PUT", "/api/v1/companies/1/users/abcxyz123456", `{"username":"x"`, []string{"Authorization", "Bearer r1-demo-token"}, 400},
	}
	for _, c := range calls {
		if status, body := send(t, base, rec, c.method, c.path, c.body, c.header...); status != c.status {
			t.Fatalf("%s %s: %d %s", c.method, c.path, status, body)
		}
	}
	status, recorded := send(t, base, rec, "GET", "/__mock/requests?format=scenario&name=recorded+session", "")
	if status != 200 {
		t.Fatalf("recording: %d %s", status, recorded)
	}
	for _, secret := range []string{"cv-demo-key", "cl2c-demo-key", "r1-demo-token", "r1-other-token"} {
		if strings.Contains(recorded, secret) {
			t.Fatalf("the recording holds %s:\n%s", secret, recorded)
		}
	}
	s, err := scenario.Parse("recorded.yaml", []byte(recorded), "", fixtures.Default())
	if err != nil {
		t.Fatalf("loading the recording: %v\n%s", err, recorded)
	}
	if len(s.Steps) != len(calls) {
		t.Fatalf("%d steps, want %d", len(s.Steps), len(calls))
	}
	replay := func(t *testing.T, s *scenario.Scenario, session string) error {
		t.Helper()
		p, err := ontargets.Prepare(targets, s, session)
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := p.Cleanup(); err != nil {
				t.Error(err)
			}
		}()
		if p.Skip != "" {
			t.Fatalf("skipped: %s", p.Skip)
		}
		return s.NewRun(p.Exchanger).All()
	}
	if err := replay(t, s, "replay-1"); err != nil {
		t.Fatalf("replaying the recording: %v", err)
	}
	// The recording session is untouched by the replay, and the replay's
	// session is gone afterwards.
	if _, body := send(t, base, "", "GET", "/__mock/sessions", ""); strings.Contains(body, "replay-1") || !strings.Contains(body, rec) {
		t.Fatalf("sessions after the replay: %s", body)
	}

	// A QA edit: the first Care360 update now meets a 503. The replay of
	// the edited file must fail at that step, proving the fault is
	// installed in the replay's session.
	s.Faults = []mockcontrol.FaultRule{{Match: mockcontrol.FaultMatch{Method: ptr("POST"), Path: ptr("/api/v1/users")}, Unavailable: ptr(true), Times: ptr(1)}}
	err = replay(t, s, "replay-2")
	if err == nil || !strings.Contains(err.Error(), "step \"step-1 POST /api/v1/users\": expected status 400, got 503") {
		t.Fatalf("replay with a fault: %v", err)
	}
}

func TestRecordedDroppedConnectionReplaysAsNoAnswer(t *testing.T) {
	targets, base := inProcessTargets(t)
	if status, body := send(t, base, "drop", "POST", "/__mock/faults", `{"match":{"method":"PUT"},"drop":true,"times":1}`); status != 201 {
		t.Fatalf("fault: %d %s", status, body)
	}
	req, _ := http.NewRequest("PUT", base+"/v1/cl2c/user", strings.NewReader(`{"id":"user_id","firstName":"A","lastName":"B"}`))
	req.Header.Set(mock.SessionHeader, "drop")
	req.Header.Set("tenant", "your-tenant-id")
	req.Header.Set("X-API-Key", "your-api-key")
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the dropped request got %d", resp.StatusCode)
	}
	_, recorded := send(t, base, "drop", "GET", "/__mock/requests?format=scenario&name=dropped", "")
	s, err := scenario.Parse("dropped.yaml", []byte(recorded), "", fixtures.Default())
	if err != nil {
		t.Fatalf("%v\n%s", err, recorded)
	}
	if !s.Steps[0].Expect.NoAnswer {
		t.Fatalf("status 0 should mean no answer:\n%s", recorded)
	}
	s.Faults = []mockcontrol.FaultRule{{Match: mockcontrol.FaultMatch{}, Drop: ptr(true), Times: ptr(1)}}
	p, err := ontargets.Prepare(targets, s, "drop-replay")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Cleanup() }()
	if err := s.NewRun(p.Exchanger).All(); err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

// Every scenario of the suite loads.
func TestTheSuiteScenariosLoad(t *testing.T) {
	ss, err := scenario.LoadDir(filepath.Join("..", "scenarios"), fixtures.Default())
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) < 8 {
		t.Fatalf("%d scenarios", len(ss))
	}
}

func TestLoadErrorsNameFileAndLine(t *testing.T) {
	const head = "name: n\nvendor: care360\nsteps:\n"
	const get = "  - name: a\n    request: {method: GET, path: /api/v1/users, headers: {cv-api-key: \"${credential.care360.org_demo}\"}}\n    expect: {status: 200}\n"
	for _, tc := range []struct {
		name, file, want string
	}{
		{"unknown top-level field", "name: n\ncolour: red\nsteps:\n" + get, "x.yaml:2: unknown field \"colour\" in the scenario"},
		{"unknown step field", head + get + "  - name: b\n    request: {method: GET, path: /api/v1/users}\n    expect: {status: 200}\n    retries: 3\n", "x.yaml:10: unknown field \"retries\" in a step"},
		{"unknown request field", head + "  - name: a\n    request: {method: GET, path: /x, hedaers: {}}\n    expect: {status: 200}\n", "x.yaml:5: unknown field \"hedaers\""},
		{"bad JSON path", head + "  - name: a\n    request: {method: GET, path: /api/v1/users}\n    expect:\n      status: 200\n      body:\n        $.data[*].email: x\n", "x.yaml:9: bad JSON path \"$.data[*].email\""},
		{"bad saved path", head + "  - name: a\n    request: {method: GET, path: /api/v1/users}\n    expect: {status: 200}\n    save: {c: meta.cursor}\n", "x.yaml:7: bad JSON path \"meta.cursor\""},
		{"malformed reference", head + "  - name: a\n    request: {method: GET, path: /api/v1/users, headers: {cv-api-key: \"${credential.care360}\"}}\n    expect: {status: 200}\n", "x.yaml:5: reference ${credential.care360}: want ${credential.<care360|cl2c|r1discover>.<account>}"},
		{"unknown step", head + get + "  - name: b\n    request: {method: GET, path: /api/v1/users, query: {after: \"${steps.z.cursor}\"}}\n    expect: {status: 200}\n", "x.yaml:8: reference ${steps.z.cursor}: no earlier step is named \"z\""},
		{"unsaved name", head + get + "  - name: b\n    request: {method: GET, path: /api/v1/users, query: {after: \"${steps.a.cursor}\"}}\n    expect: {status: 200}\n", "x.yaml:8: reference ${steps.a.cursor}: step \"a\" saves no \"cursor\""},
		{"missing name", "vendor: care360\nsteps:\n" + get, "x.yaml:1: the scenario needs \"name\""},
		{"missing expect", head + "  - name: a\n    request: {method: GET, path: /api/v1/users}\n", "x.yaml:4: step \"a\" needs \"expect\""},
		{"missing status", head + "  - name: a\n    request: {method: GET, path: /api/v1/users}\n    expect: {body: {$.a: 1}}\n", "x.yaml:6: step \"a\" expect needs \"status\" or \"timeout\""},
		{"duplicate step name", head + get + get, "x.yaml:7: step name \"a\" is used twice"},
		{"unknown fault field", "name: n\nvendor: care360\nfaults:\n  - {match: {}, vendorEror: {status: 500}}\nsteps:\n" + get, "x.yaml:4: faults[0]: json: unknown field \"vendorEror\""},
		{"bad fixtures", "name: n\nvendor: care360\nfixtures:\n  care360: {organisations: []}\nsteps:\n" + get, "x.yaml:4: fixtures:"},
		{"wrong vendor folder", "name: n\nvendor: cl2c\nsteps:\n" + get, "x.yaml:2: vendor \"cl2c\", but the file is in the care360 folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scenario.Parse("x.yaml", []byte(tc.file), "care360", fixtures.Default())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// A reference the fixtures cannot resolve is a need the target does not
// meet, not a fault of the file: the file loads and says what it lacks.
func TestMissingAccountsAreUnmetNeeds(t *testing.T) {
	const file = "name: n\nvendor: care360\nsteps:\n" +
		"  - name: a\n    request: {method: GET, path: /api/v1/users, headers: {cv-api-key: \"${credential.care360.org_nope}\"}}\n    expect: {status: 200}\n" +
		"  - name: b\n    request: {method: GET, path: \"/api/v1/users/${fixtures.care360.organizations[9].id}\"}\n    expect: {status: 200}\n"
	s, err := scenario.Parse("x.yaml", []byte(file), "care360", fixtures.Default())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`reference ${credential.care360.org_nope}: the fixtures have no care360 account "org_nope" with a credential`,
		"reference ${fixtures.care360.organizations[9].id}: the fixtures have no such value",
	}
	if len(s.Unmet) != 2 || s.Unmet[0] != want[0] || !strings.HasPrefix(s.Unmet[1], want[1]) {
		t.Fatalf("unmet %q\nwant %q", s.Unmet, want)
	}
	if !strings.Contains(s.Needs(), "org_nope") {
		t.Fatalf("needs %q", s.Needs())
	}
	ok, err := scenario.Parse("x.yaml", []byte(strings.ReplaceAll(file, "org_nope", "org_demo")), "care360", fixtures.Default())
	if err != nil || len(ok.Unmet) != 1 {
		t.Fatalf("with org_demo: %v, unmet %q", err, ok.Unmet)
	}
}

func TestLoadReadsTheVendorFromTheFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "r1discover")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "a.yaml")
	src := "name: n\nsteps:\n  - name: a\n    request: {method: GET, path: /__mock/health}\n    expect: {status: 200, body: {$.status: ok}}\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := scenario.Load(file, fixtures.Default())
	if err != nil {
		t.Fatal(err)
	}
	if s.Vendor != "r1discover" || s.NeedsControl() == "" || s.Mutating() {
		t.Fatalf("vendor %q, needs control %q, mutating %v", s.Vendor, s.NeedsControl(), s.Mutating())
	}
	var buf bytes.Buffer
	buf.WriteString(s.Steps[0].Request.Path)
	if buf.String() != "/__mock/health" {
		t.Fatal(buf.String())
	}
}

// A recorded fault rule names its credential by account; it resolves to
// the account's credential before the rule is installed.
func TestFaultCredentialReferencesResolve(t *testing.T) {
	file := "name: f\nfaults:\n  - match: {credential: \"${credential.care360.org_demo}\"}\n    unavailable: true\n  - match: {credential: tenant-demo}\n    drop: true\n" +
		"steps: [{name: a, request: {method: GET, path: /api/v1/users}, expect: {status: 503}}]\n"
	s, err := scenario.Parse("f.yaml", []byte(file), "", fixtures.Default())
	if err != nil {
		t.Fatal(err)
	}
	faults, err := s.ResolvedFaults()
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{*faults[0].Match.Credential, *faults[1].Match.Credential}; got[0] != "cv-demo-key" || got[1] != "tenant-demo" {
		t.Errorf("resolved credentials %q", got)
	}
	if *s.Faults[0].Match.Credential != "${credential.care360.org_demo}" {
		t.Error("resolving changed the scenario's own rules")
	}
	bad, err := scenario.Parse("f.yaml", []byte(strings.Replace(file, "org_demo", "org_nope", 1)), "", fixtures.Default())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.ResolvedFaults(); err == nil || err.Error() != `faults[0].match.credential: reference ${credential.care360.org_nope}: the fixtures have no care360 account "org_nope" with a credential` {
		t.Errorf("an unknown account: %v", err)
	}
}
