package mock_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vendorsuite/contracts/mock"
	mockreplay "github.com/vendorsuite/contracts/mock/replay"
)

const moveEmail = `{"action":"UPDATE_EMAIL","data":{"currentEmail":"john.doe@example.com","newEmail":"moved@example.com"}}`

func TestSessionsAreIsolated(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	// Session a moves John's email; the default world and session b do not see it.
	rec := send(m, http.MethodPost, "/api/v1/users", "application/json", moveEmail, "cv-api-key", "cv-demo-key", mock.SessionHeader, "a")
	if rec.Code != 200 {
		t.Fatalf("update in session a: %d %s", rec.Code, rec.Body)
	}
	for _, where := range []struct{ name, path string }{{"default", "/api/v1/users?email=john.doe%40example"}, {"b by header", "/api/v1/users?email=john.doe%40example"}} {
		hdr := []string{"cv-api-key", "cv-demo-key"}
		if where.name != "default" {
			hdr = append(hdr, mock.SessionHeader, "b")
		}
		rec := send(m, http.MethodGet, where.path, "", "", hdr...)
		if !strings.Contains(rec.Body.String(), `"email":"john.doe@example.com"`) {
			t.Errorf("%s sees session a's change: %s", where.name, rec.Body)
		}
	}
	// The path prefix reaches the same session as the header.
	rec = send(m, http.MethodGet, "/__sessions/a/api/v1/users?email=moved", "", "", "cv-api-key", "cv-demo-key")
	if !strings.Contains(rec.Body.String(), `"email":"moved@example.com"`) {
		t.Fatalf("path prefix does not reach session a: %s", rec.Body)
	}
	// Each session has its own journal.
	rec = send(m, http.MethodGet, "/__mock/requests", "", "", mock.SessionHeader, "b")
	var page struct{ Entries []map[string]any }
	_ = json.Unmarshal(rec.Body.Bytes(), &page)
	if len(page.Entries) != 1 {
		t.Fatalf("session b's journal has %d entries: %s", len(page.Entries), rec.Body)
	}
	rec = send(m, http.MethodGet, "/__mock/sessions", "", "")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"name":"a"`) || !strings.Contains(rec.Body.String(), `"name":"b"`) {
		t.Fatalf("sessions: %s", rec.Body)
	}
	if rec := send(m, http.MethodDelete, "/__mock/sessions/a", "", ""); rec.Code != 204 {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body)
	}
	rec = send(m, http.MethodGet, "/__sessions/a/api/v1/users?email=john.doe%40example", "", "", "cv-api-key", "cv-demo-key")
	if !strings.Contains(rec.Body.String(), `"email":"john.doe@example.com"`) {
		t.Fatalf("a deleted session did not start afresh: %s", rec.Body)
	}
	if rec := send(m, http.MethodGet, "/api/v1/users", "", "", "cv-api-key", "cv-demo-key", mock.SessionHeader, "bad name!"); rec.Code != 400 {
		t.Fatalf("bad session name: %d %s", rec.Code, rec.Body)
	}
}

func TestSessionStateFromADocumentAndIdleExpiry(t *testing.T) {
	t.Parallel()
	m, err := mock.New(mock.Options{SessionIdle: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	rec := send(m, http.MethodPut, "/__mock/sessions/tiny/state", "application/json",
		`{"care360":{"organizations":[{"id":"o1","name":"Tiny","apiKeys":["tiny-key"],"users":[{"email":"only@example.com"}]}]}}`)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"care360":{"organizations":1,"users":1`) {
		t.Fatalf("put session state: %d %s", rec.Code, rec.Body)
	}
	rec = send(m, http.MethodGet, "/api/v1/users", "", "", "cv-api-key", "tiny-key", mock.SessionHeader, "tiny")
	if !strings.Contains(rec.Body.String(), "only@example.com") {
		t.Fatalf("session world: %s", rec.Body)
	}
	time.Sleep(1100 * time.Millisecond) // sweeps run at most once a second
	rec = send(m, http.MethodGet, "/__mock/sessions", "", "")
	if strings.Contains(rec.Body.String(), "tiny") {
		t.Fatalf("idle session kept: %s", rec.Body)
	}
}

func TestJournalRedactsAndFilters(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	send(m, http.MethodGet, "/api/v1/users?limit=1", "", "", "cv-api-key", "cv-demo-key")
	send(m, http.MethodPut, "/v1/cl2c/user", "application/json", `{"id":"user_id","firstName":"A","lastName":"B"}`, "tenant", "your-tenant-id", "X-API-Key", "your-api-key")
	send(m, http.MethodPut, "/api/v1/companies/1/users/abcxyz123456", "application/json", `{}`, "Authorization", "Bearer r1-demo-token")
	rec := send(m, http.MethodGet, "/__mock/requests", "", "")
	for _, secret := range []string{"cv-demo-key", "your-api-key", "r1-demo-token"} {
		if strings.Contains(rec.Body.String(), secret) {
			t.Fatalf("journal shows %s: %s", secret, rec.Body)
		}
	}
	if !strings.Contains(rec.Body.String(), `"credential":"care360.org_demo"`) || !strings.Contains(rec.Body.String(), `[REDACTED]`) {
		t.Fatalf("journal: %s", rec.Body)
	}
	rec = send(m, http.MethodGet, "/__mock/requests?vendor=cl2c&status=200", "", "")
	var page struct {
		Entries []struct {
			Seq  int64
			Path string
		}
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &page)
	if len(page.Entries) != 1 || page.Entries[0].Path != "/v1/cl2c/user" {
		t.Fatalf("filtered: %s", rec.Body)
	}
	rec = send(m, http.MethodGet, "/__mock/requests?since=2", "", "")
	_ = json.Unmarshal(rec.Body.Bytes(), &page)
	if len(page.Entries) != 1 || page.Entries[0].Seq != 3 {
		t.Fatalf("since: %s", rec.Body)
	}
	if rec := send(m, http.MethodDelete, "/__mock/requests", "", ""); rec.Code != 204 {
		t.Fatalf("clear: %d", rec.Code)
	}
	rec = send(m, http.MethodGet, "/__mock/requests", "", "")
	if rec.Body.String() != `{"entries":[]}` {
		t.Fatalf("after clear: %s", rec.Body)
	}
}

func TestJournalIsABoundedRing(t *testing.T) {
	t.Parallel()
	m, _ := mock.New(mock.Options{JournalSize: 3})
	for range 5 {
		send(m, http.MethodGet, "/api/v1/users?limit=1", "", "", "cv-api-key", "cv-demo-key")
	}
	rec := send(m, http.MethodGet, "/__mock/requests", "", "")
	var page struct{ Entries []struct{ Seq int64 } }
	_ = json.Unmarshal(rec.Body.Bytes(), &page)
	if len(page.Entries) != 3 || page.Entries[0].Seq != 3 || page.Entries[2].Seq != 5 {
		t.Fatalf("ring: %s", rec.Body)
	}
}

func addFault(t *testing.T, m http.Handler, rule string) string {
	t.Helper()
	rec := send(m, http.MethodPost, "/__mock/faults", "application/json", rule)
	if rec.Code != 201 {
		t.Fatalf("add fault: %d %s", rec.Code, rec.Body)
	}
	var r struct{ ID string }
	_ = json.Unmarshal(rec.Body.Bytes(), &r)
	return r.ID
}

func TestFaults(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	list := func() *httptest.ResponseRecorder {
		return send(m, http.MethodGet, "/api/v1/users?limit=1", "", "", "cv-api-key", "cv-demo-key")
	}
	// A vendor-envelope error, once.
	addFault(t, m, `{"match":{"method":"GET","path":"/api/v1/users"},"vendorError":{"status":500,"message":"Internal server error"},"times":1}`)
	if rec := list(); rec.Code != 500 || rec.Body.String() != `{"status":500,"success":false,"error":"Internal server error","code":"SERVER_ERROR"}` {
		t.Fatalf("vendor error: %d %s", rec.Code, rec.Body)
	}
	if rec := list(); rec.Code != 200 {
		t.Fatalf("the rule outlived its times: %d %s", rec.Code, rec.Body)
	}
	// 429 with Retry-After, only for another credential: this one passes.
	id := addFault(t, m, `{"match":{"credential":"cv-other-key"},"rateLimit":{"retryAfterSeconds":7}}`)
	if rec := list(); rec.Code != 200 {
		t.Fatalf("a rule for another key hit: %d", rec.Code)
	}
	rec := send(m, http.MethodGet, "/api/v1/users", "", "", "cv-api-key", "cv-other-key")
	if rec.Code != 429 || rec.Header().Get("Retry-After") != "7" {
		t.Fatalf("rate limit: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	if rec := send(m, http.MethodDelete, "/__mock/faults/"+id, "", ""); rec.Code != 204 {
		t.Fatalf("delete fault: %d", rec.Code)
	}
	// A faulted update changes nothing...
	addFault(t, m, `{"match":{"method":"POST","path":"/api/v1/*"},"unavailable":true,"times":1}`)
	rec = send(m, http.MethodPost, "/api/v1/users", "application/json", moveEmail, "cv-api-key", "cv-demo-key")
	if rec.Code != 503 {
		t.Fatalf("unavailable: %d %s", rec.Code, rec.Body)
	}
	if strings.Contains(send(m, http.MethodGet, "/__mock/state", "", "").Body.String(), "moved@example.com") {
		t.Fatal("a faulted request changed the state")
	}
	// ...unless the rule applies it first.
	addFault(t, m, `{"match":{"method":"POST"},"response":{"status":504,"body":{"message":"gateway timeout"}},"applyFirst":true,"times":1}`)
	rec = send(m, http.MethodPost, "/api/v1/users", "application/json", moveEmail, "cv-api-key", "cv-demo-key")
	if rec.Code != 504 || rec.Body.String() != `{"message":"gateway timeout"}` {
		t.Fatalf("applyFirst: %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(send(m, http.MethodGet, "/__mock/state", "", "").Body.String(), "moved@example.com") {
		t.Fatal("applyFirst did not carry the request out")
	}
	// Faults show in the journal.
	rec = send(m, http.MethodGet, "/__mock/requests?status=504", "", "")
	if !strings.Contains(rec.Body.String(), `"fault":"fault-`) {
		t.Fatalf("journal: %s", rec.Body)
	}
	if rec := send(m, http.MethodGet, "/__mock/faults", "", ""); rec.Body.String() != `{"faults":[]}` {
		t.Fatalf("used-up rules remain: %s", rec.Body)
	}
}

func TestFaultLatencyIsSeeded(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	addFault(t, m, `{"match":{"path":"/api/v1/users"},"latency":{"fixedMs":30}}`)
	start := time.Now()
	if rec := send(m, http.MethodGet, "/api/v1/users?limit=1", "", "", "cv-api-key", "cv-demo-key"); rec.Code != 200 {
		t.Fatalf("latency rule: %d", rec.Code)
	}
	if time.Since(start) < 30*time.Millisecond {
		t.Fatal("no delay")
	}
}

func TestFaultDropsTheConnection(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	srv := httptest.NewServer(m)
	defer srv.Close()
	addFault(t, m, `{"match":{"path":"/api/v1/users"},"drop":true,"times":1}`)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/users", nil)
	req.Header.Set("cv-api-key", "cv-demo-key")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("got an answer: %d", resp.StatusCode)
	}
}

func TestBadFaultRules(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	for _, body := range []string{
		`{"match":{},"colour":"red"}`,
		`{"match":{}}`,
		`{"match":{},"drop":true,"unavailable":true}`,
		`{"match":{},"latency":{"randomMinMs":50,"randomMaxMs":10}}`,
		`not json`,
	} {
		if rec := send(m, http.MethodPost, "/__mock/faults", "application/json", body); rec.Code != 400 || !strings.HasPrefix(rec.Body.String(), `{"errors":[`) {
			t.Errorf("%s: %d %s", body, rec.Code, rec.Body)
		}
	}
}

func TestRecordedScenario(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	send(m, http.MethodPost, "/api/v1/users", "application/json", moveEmail, "cv-api-key", "cv-demo-key")
	send(m, http.MethodPut, "/api/v1/companies/1/users/abcxyz123456", "application/json", `{"client_status":"inactive"}`, "Authorization", "Bearer r1-demo-token")
	rec := send(m, http.MethodGet, "/__mock/requests?format=scenario&name=demo", "", "")
	out := rec.Body.String()
	for _, want := range []string{
		"name: demo", "cv-api-key: ${credential.care360.org_demo}", "Authorization: Bearer ${credential.r1discover.0}",
		"$.data.user.email: moved@example.com", "status: 200",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scenario lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "cv-demo-key") || strings.Contains(out, "r1-demo-token") {
		t.Fatalf("scenario carries a secret:\n%s", out)
	}
}

// Fault answers keep the rule's status in every vendor's own envelope.
func TestFaultStatusesInEveryVendorsEnvelope(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	addFault(t, m, `{"match":{"method":"PUT"},"vendorError":{"status":502,"message":"Bad gateway"}}`)
	rec := send(m, http.MethodPut, "/v1/cl2c/user", "application/json", `{"id":"user_id","firstName":"A","lastName":"B"}`, "tenant", "your-tenant-id", "X-API-Key", "your-api-key")
	if rec.Code != 502 || !strings.Contains(rec.Body.String(), `"messages":["Bad gateway."]`) || !strings.Contains(rec.Body.String(), `"statusCode":502`) {
		t.Fatalf("cl2c: %d %s", rec.Code, rec.Body)
	}
	rec = send(m, http.MethodPut, "/api/v1/companies/1/users/abcxyz123456", "application/json", `{}`, "Authorization", "Bearer r1-demo-token")
	if rec.Code != 502 || rec.Body.String() != `{"error":1,"message":"Bad gateway."}` {
		t.Fatalf("r1discover: %d %s", rec.Code, rec.Body)
	}
	send(m, http.MethodDelete, "/__mock/faults", "", "")
	addFault(t, m, `{"match":{"method":"PUT"},"rateLimit":{"retryAfterSeconds":3}}`)
	rec = send(m, http.MethodPut, "/v1/cl2c/user", "application/json", `{}`, "tenant", "your-tenant-id", "X-API-Key", "your-api-key")
	if rec.Code != 429 || rec.Header().Get("Retry-After") != "3" || !strings.Contains(rec.Body.String(), `"statusCode":429`) {
		t.Fatalf("cl2c 429: %d %s", rec.Code, rec.Body)
	}
}

// A header over the limit is refused in the vendor's envelope.
func TestHeaderLimitInTheVendorsEnvelope(t *testing.T) {
	t.Parallel()
	m, err := mock.New(mock.Options{MaxHeaderBytes: 256})
	if err != nil {
		t.Fatal(err)
	}
	rec := send(m, http.MethodPut, "/api/v1/companies/1/users/abcxyz123456", "application/json", `{}`, "Authorization", "Bearer r1-demo-token", "X-Padding", strings.Repeat("x", 300))
	if rec.Code != 431 || rec.Body.String() != `{"error":1,"message":"The request headers exceed the 256 bytes limit."}` {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
}

// A recording carries the fault rules that applied, each for as many
// requests as it met, a credential it matched on as a reference to its
// account, and faulted steps skip the vendor's schema; it replays green.
func TestRecordingCarriesTheFaultsThatApplied(t *testing.T) {
	t.Parallel()
	m, err := mock.New(mock.Options{Replay: mockreplay.Run})
	if err != nil {
		t.Fatal(err)
	}
	if rec := send(m, http.MethodPost, "/__mock/faults", "application/json",
		`{"match":{"method":"POST","credential":"cv-demo-key"},"vendorError":{"status":503,"message":"Try later"}}`); rec.Code != 201 {
		t.Fatalf("fault: %d %s", rec.Code, rec.Body)
	}
	// A rule that only delays leaves the real answer, which keeps its schema check.
	if rec := send(m, http.MethodPost, "/__mock/faults", "application/json", `{"match":{"method":"GET"},"latency":{"fixedMs":1}}`); rec.Code != 201 {
		t.Fatalf("fault: %d %s", rec.Code, rec.Body)
	}
	profile := `{"action":"UPDATE_PROFILE","data":{"email":"jane.roe@example.com","city":"Rome"}}`
	send(m, http.MethodPost, "/api/v1/users", "application/json", profile, "cv-api-key", "cv-demo-key")
	send(m, http.MethodPost, "/api/v1/users", "application/json", profile, "cv-api-key", "cv-demo-key")
	send(m, http.MethodGet, "/api/v1/users?email=jane.roe", "", "", "cv-api-key", "cv-demo-key")
	out := send(m, http.MethodGet, "/__mock/requests?format=scenario&name=faulted", "", "").Body.String()
	for _, want := range []string{
		"faults:\n    - match:\n        credential: ${credential.care360.org_demo}\n        method: POST\n      times: 2\n      vendorError:\n        message: Try later\n        status: 503\n",
		"      expect:\n        status: 503\n        schema: false\n",
		"                city: Rome\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the recording lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "schema: false"); n != 2 {
		t.Errorf("%d steps skip the schema check, want the 2 the 503 rule answered:\n%s", n, out)
	}
	if !strings.Contains(out, "    - latency:\n        fixedMs: 1\n      match:\n        method: GET\n      times: 1\n") {
		t.Errorf("the recording lacks the delaying rule:\n%s", out)
	}
	if strings.Contains(out, "cv-demo-key") || strings.Contains(out, "fault-1") || strings.Contains(out, "hits") {
		t.Fatalf("the recording holds a secret or the rule's bookkeeping:\n%s", out)
	}
	rec := send(m, http.MethodPost, "/__mock/replays", "application/yaml", out)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"passed":true`) {
		t.Fatalf("replaying the recording: %d %s", rec.Code, rec.Body)
	}
}

// A mock built without a replay runner says so, in the control API's body.
func TestReplaysNeedARunner(t *testing.T) {
	t.Parallel()
	rec := send(newMock(t), http.MethodPost, "/__mock/replays", "application/yaml", "name: x")
	if rec.Code != 501 || rec.Body.String() != `{"errors":["this mock runs no replays: mock.Options.Replay is not set (mockserver sets it to mock/replay.Run)"]}` {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}
