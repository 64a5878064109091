package replay_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/replay"
)

func newMock(t *testing.T, opts mock.Options) *mock.Mock {
	t.Helper()
	opts.Replay = replay.Run
	m, err := mock.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func do(m http.Handler, method, path, contentType, body string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, req)
	return rec
}

func runFile(t *testing.T, m http.Handler, file string, header ...string) mockcontrol.ReplayReport {
	t.Helper()
	rec := do(m, http.MethodPost, "/__mock/replays", "application/yaml", file, header...)
	if rec.Code != http.StatusOK {
		t.Fatalf("POST /__mock/replays: %d %s", rec.Code, rec.Body)
	}
	var rep mockcontrol.ReplayReport
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

func outcomes(rep mockcontrol.ReplayReport) []string {
	out := make([]string, len(rep.Steps))
	for i, s := range rep.Steps {
		out[i] = string(s.Outcome)
	}
	return out
}

// The contract suite's own scenario files pass when the mock replays them:
// the runner is the suite's, only the transport is in-process.
func TestEveryContractScenarioReplaysGreen(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../../contracts/scenarios/*/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenario files found: %v", err)
	}
	m := newMock(t, mock.Options{})
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rep := runFile(t, m, string(data))
		if !rep.Passed {
			for _, s := range rep.Steps {
				if s.Outcome == mockcontrol.ReplayFailed {
					t.Errorf("%s: step %q failed: %s", f, s.Name, *s.Problem)
				}
			}
		}
		if !strings.HasPrefix(rep.Session, "replay-") || len(rep.Steps) == 0 {
			t.Errorf("%s: session %q, %d steps", f, rep.Session, len(rep.Steps))
		}
	}
	// Replays run in their own sessions; the default world is untouched.
	if rec := do(m, http.MethodGet, "/__mock/requests", "", ""); rec.Body.String() != `{"entries":[]}` {
		t.Errorf("the default journal holds the replays' requests: %s", rec.Body)
	}
}

const threeSteps = `
name: three steps
steps:
  - name: list
    request:
      method: GET
      path: /api/v1/users
      query: {limit: "1"}
      headers: {cv-api-key: "${credential.care360.org_demo}"}
    expect:
      status: 200
      body:
        $.meta.hasMore: true
  - name: "wrong: expectation"
    request:
      method: GET
      path: /api/v1/users
      headers: {cv-api-key: "${credential.care360.org_demo}"}
    expect:
      status: 404
  - name: never sent
    request: {method: GET, path: /api/v1/users}
    expect: {status: 400}
`

func TestReplayReportsTheFailingStepAndStops(t *testing.T) {
	t.Parallel()
	m := newMock(t, mock.Options{})
	rep := runFile(t, m, threeSteps)
	if rep.Passed || rep.Name != "three steps" || rep.Session != "replay-1" {
		t.Fatalf("report head: passed %v, name %q, session %q", rep.Passed, rep.Name, rep.Session)
	}
	if got, want := outcomes(rep), []string{"passed", "failed", "notRun"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("outcomes %v, want %v", got, want)
	}
	first, second, third := rep.Steps[0], rep.Steps[1], rep.Steps[2]
	if first.Path != "/api/v1/users?limit=1" || first.Status == nil || *first.Status != 200 || first.Problem != nil {
		t.Errorf("first step: %+v", first)
	}
	if *first.Expect.Status != 200 || !first.Expect.Schema || len(first.Expect.Body) != 1 || first.Expect.Body[0].Path != "$.meta.hasMore" || first.Expect.Body[0].Value != true {
		t.Errorf("first step's expectation: %+v", first.Expect)
	}
	if second.Status == nil || *second.Status != 200 || second.Problem == nil || *second.Problem != "expected status 404, got 200" {
		t.Errorf("second step: status %v, problem %v", second.Status, second.Problem)
	}
	if second.ResponseBody == nil || !strings.Contains(*second.ResponseBody, `"hasMore":false`) {
		t.Errorf("second step's body: %v", second.ResponseBody)
	}
	if third.Status != nil || third.ResponseBody != nil || third.Problem != nil || third.Path != "/api/v1/users" {
		t.Errorf("a step that did not run reports %+v", third)
	}
	// The session stays for inspection: its journal holds the two requests sent.
	rec := do(m, http.MethodGet, "/__mock/requests", "", "", mock.SessionHeader, "replay-1")
	var page mockcontrol.JournalPage
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || len(page.Entries) != 2 {
		t.Fatalf("the replay's session journal: %d %s", rec.Code, rec.Body)
	}
}

func TestReplayNamedSessionIsFresh(t *testing.T) {
	t.Parallel()
	m := newMock(t, mock.Options{})
	// The session exists with another world, a fault rule and a journal;
	// the replay starts it afresh.
	if rec := do(m, http.MethodPut, "/__mock/sessions/mine/state", "application/json", `{"care360":{"organizations":[]}}`); rec.Code != 200 {
		t.Fatalf("seeding: %d %s", rec.Code, rec.Body)
	}
	if rec := do(m, http.MethodPost, "/__mock/faults", "application/json", `{"match":{},"unavailable":true}`, mock.SessionHeader, "mine"); rec.Code != 201 {
		t.Fatalf("fault: %d %s", rec.Code, rec.Body)
	}
	do(m, http.MethodGet, "/api/v1/users", "", "", mock.SessionHeader, "mine")
	rec := do(m, http.MethodPost, "/__mock/replays?session=mine", "application/yaml", strings.Replace(threeSteps, "status: 404", "status: 200", 1))
	var rep mockcontrol.ReplayReport
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &rep) != nil {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if rep.Session != "mine" || !rep.Passed {
		t.Fatalf("session %q passed %v: %s", rep.Session, rep.Passed, rec.Body)
	}
	var page mockcontrol.JournalPage
	if rec := do(m, http.MethodGet, "/__mock/requests", "", "", mock.SessionHeader, "mine"); json.Unmarshal(rec.Body.Bytes(), &page) != nil || len(page.Entries) != 3 || page.Entries[0].Seq != 1 {
		t.Errorf("the session's journal holds more than the replay's three requests: %s", rec.Body)
	}
}

func TestReplayFaultsDropsAndTimeouts(t *testing.T) {
	t.Parallel()
	m := newMock(t, mock.Options{ControlToken: "t0ken"})
	file := `
name: faults
faults:
  - match: {path: /v1/cl2c/user, credential: "${credential.cl2c.tenant-demo}"}
    drop: true
    times: 1
  - match: {method: POST}
    latency: {fixedMs: 400}
    applyFirst: true
    times: 1
steps:
  - name: dropped
    request:
      method: PUT
      path: /v1/cl2c/user
      headers: {tenant: tenant-demo, X-API-Key: "${credential.cl2c.tenant-demo}"}
      body: {id: 3fa85f64-5717-4562-b3fc-2c963f66afa6, firstName: A, lastName: B}
    expect: {status: 0}
  - name: too slow for the client, but done
    request:
      method: POST
      path: /api/v1/users
      headers: {cv-api-key: "${credential.care360.org_demo}"}
      body: {action: UPDATE_PROFILE, data: {email: jane.roe@example.com, city: Oslo}}
      timeoutMs: 50
    expect: {timeout: true}
  - name: the control API is reachable from a step, with the server's token
    request: {method: GET, path: /__mock/faults}
    expect:
      status: 200
      body:
        $.faults: []
  - name: done indeed
    request:
      method: GET
      path: /api/v1/users
      query: {email: jane.roe}
      headers: {cv-api-key: "${credential.care360.org_demo}"}
    expect:
      status: 200
      body:
        $.data[0].city: Oslo
`
	rep := runFile(t, m, file, mock.ControlTokenHeader, "t0ken")
	if !rep.Passed {
		t.Fatalf("outcomes %v: %+v", outcomes(rep), rep.Steps)
	}
	if rep.Steps[0].Status != nil || rep.Steps[1].Status != nil {
		t.Errorf("steps without an answer report a status: %v %v", rep.Steps[0].Status, rep.Steps[1].Status)
	}
	if !rep.Steps[0].Expect.NoAnswer || rep.Steps[0].Expect.Status != nil {
		t.Errorf("the dropped step's expectation: %+v", rep.Steps[0].Expect)
	}
}

func TestReplayRefusals(t *testing.T) {
	t.Parallel()
	m := newMock(t, mock.Options{MaxControlBodyBytes: 4096})
	before := do(m, http.MethodGet, "/__mock/sessions", "", "").Body.String()
	for _, tc := range []struct {
		name, path, contentType, body string
		status                        int
		errors                        []string
	}{
		{"not a scenario", "/__mock/replays", "application/yaml", "name: x\nsteps:\n  - name: a\n    request: {method: get, path: nowhere}\n    expect: {status: 200}\n    colour: blue\n",
			400, []string{
				`line 6: unknown field "colour" in a step (known: name, request, expect, save)`,
				`line 4: method "get" must be an upper-case HTTP method`,
				`line 4: path "nowhere" must start with /`,
				`line 1: no vendor: name one with vendor, put the file in a vendor's folder, or call a vendor path`,
			}},
		{"unknown account", "/__mock/replays", "application/json", `{"name":"x","steps":[{"name":"a","request":{"method":"GET","path":"/api/v1/users","headers":{"cv-api-key":"${credential.care360.org_nope}"}},"expect":{"status":200}}]}`,
			400, []string{`reference ${credential.care360.org_nope}: the fixtures have no care360 account "org_nope" with a credential`}},
		{"fault the mock refuses", "/__mock/replays", "application/yaml", "name: x\nfaults: [{match: {}, drop: true, unavailable: true}]\nsteps: [{name: a, request: {method: GET, path: /api/v1/users}, expect: {status: 400}}]\n",
			400, []string{"faults[0]: a rule takes one action: drop, unavailable, rateLimit, vendorError or response"}},
		{"plain text", "/__mock/replays", "text/plain", "name: x", 415, []string{"Content-Type must be application/json or application/yaml"}},
		{"bad session name", "/__mock/replays?session=no%20spaces", "application/yaml", threeSteps, 400, []string{"session must match ^[A-Za-z0-9._-]{1,64}$"}},
		{"too large", "/__mock/replays", "application/yaml", "name: " + strings.Repeat("x", 5000), 413, []string{"The request body exceeds the 4 KiB limit"}},
	} {
		rec := do(m, http.MethodPost, tc.path, tc.contentType, tc.body)
		var got mockcontrol.RejectedDocument
		if rec.Code != tc.status || json.Unmarshal(rec.Body.Bytes(), &got) != nil || !reflect.DeepEqual(got.Errors, tc.errors) {
			t.Errorf("%s: %d %s\nwant %d %q", tc.name, rec.Code, rec.Body, tc.status, tc.errors)
		}
	}
	if after := do(m, http.MethodGet, "/__mock/sessions", "", "").Body.String(); after != before {
		t.Errorf("refused replays left sessions behind: %s", after)
	}
}

// Replays count against the session cap like any session.
func TestReplaySessionsAreCapped(t *testing.T) {
	t.Parallel()
	m := newMock(t, mock.Options{MaxSessions: 1})
	if rep := runFile(t, m, threeSteps); rep.Session != "replay-1" {
		t.Fatalf("first replay ran in %q", rep.Session)
	}
	rec := do(m, http.MethodPost, "/__mock/replays", "application/yaml", threeSteps)
	if rec.Code != 429 || rec.Body.String() != `{"errors":["The mock already holds 1 sessions, its limit (--max-sessions); delete one with DELETE /__mock/sessions/<name>"]}` {
		t.Fatalf("a replay beyond the cap: %d %s", rec.Code, rec.Body)
	}
	// Replaying into the session that exists replaces it, within the cap.
	if rec := do(m, http.MethodPost, "/__mock/replays?session=replay-1", "application/yaml", threeSteps); rec.Code != 200 {
		t.Fatalf("a replay into the existing session: %d %s", rec.Code, rec.Body)
	}
}
