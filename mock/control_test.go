package mock_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/fixtures"
)

func newMock(t *testing.T) *mock.Mock {
	t.Helper()
	m, err := mock.New(mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func send(m http.Handler, method, path, contentType, body string, header ...string) *httptest.ResponseRecorder {
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

func TestHealth(t *testing.T) {
	rec := send(newMock(t), http.MethodGet, "/__mock/health", "", "")
	if rec.Code != 200 || rec.Body.String() != `{"status":"ok"}` {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
}

func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	first := send(m, http.MethodGet, "/__mock/state", "", "")
	if first.Code != 200 {
		t.Fatalf("GET state: %d %s", first.Code, first.Body)
	}
	put := send(m, http.MethodPut, "/__mock/state", "application/json", first.Body.String())
	if put.Code != 200 {
		t.Fatalf("PUT state: %d %s", put.Code, put.Body)
	}
	second := send(m, http.MethodGet, "/__mock/state", "", "")
	if first.Body.String() != second.Body.String() {
		t.Fatalf("round trip changed the state:\n%s\n%s", first.Body, second.Body)
	}
	// YAML in, the same world out.
	put = send(m, http.MethodPut, "/__mock/state", "application/yaml", string(fixtures.DefaultYAML()))
	if put.Code != 200 {
		t.Fatalf("PUT yaml: %d %s", put.Code, put.Body)
	}
	if third := send(m, http.MethodGet, "/__mock/state", "", ""); third.Body.String() != first.Body.String() {
		t.Fatal("the default fixtures did not reproduce the startup world (ids or createdAt not deterministic)")
	}
}

func TestRejectedDocumentListsEveryProblemAndChangesNothing(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	before := send(m, http.MethodGet, "/__mock/state", "", "").Body.String()
	doc := `
care360:
  organizations:
    - name: A
      apiKeys: [k1]
      colour: blue
      users:
        - {email: a@example.com, phoneNumber: "+1"}
        - {email: A@example.com, phoneNumber: "+1", cases: [{status: Open}]}
    - name: B
      apiKeys: [k1]
`
	rec := send(m, http.MethodPut, "/__mock/state", "application/yaml", doc)
	if rec.Code != 400 {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	var body struct{ Errors []string }
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	// Schema problems come first: the unknown field and the unknown status
	// are both reported (with the duplicates, see
	// TestRejectedDocumentListsSchemaAndDomainProblemsTogether).
	joined := strings.Join(body.Errors, "\n")
	for _, want := range []string{"colour", "status"} {
		if !strings.Contains(joined, want) {
			t.Errorf("errors %q do not mention %s", body.Errors, want)
		}
	}
	doc = strings.Replace(strings.Replace(doc, "      colour: blue\n", "", 1), "status: Open", "status: Assigned", 1)
	rec = send(m, http.MethodPut, "/__mock/state", "application/yaml", doc)
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != 400 {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	want := []string{
		"care360.organizations[0].users[1].email: duplicate email A@example.com",
		"care360.organizations[0].users[1].phoneNumber: duplicate phone number +1",
		"care360.organizations[1].apiKeys[0]: duplicate API key k1",
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(body.Errors, "\n"), w) {
			t.Errorf("missing problem %q in %q", w, body.Errors)
		}
	}
	if after := send(m, http.MethodGet, "/__mock/state", "", "").Body.String(); after != before {
		t.Fatal("a rejected document changed the state")
	}
}

func TestMergeAddsUsersToAnExistingOrganization(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	rec := send(m, http.MethodPost, "/__mock/state", "application/json",
		`{"care360":{"organizations":[{"id":"org_demo","name":"ignored","apiKeys":["cv-demo-key-2"],"users":[{"email":"new.user@example.com","firstName":"New"}]}]}}`)
	if rec.Code != 200 {
		t.Fatalf("merge: %d %s", rec.Code, rec.Body)
	}
	rec = send(m, http.MethodGet, "/api/v1/users?email=new.user", "", "", "cv-api-key", "cv-demo-key-2")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"email":"new.user@example.com","firstName":"New"`) {
		t.Fatalf("merged user not listed: %d %s", rec.Code, rec.Body)
	}
	// A merge that conflicts changes nothing.
	before := m.State()
	rec = send(m, http.MethodPost, "/__mock/state", "application/json",
		`{"care360":{"organizations":[{"name":"Dup","apiKeys":["x"],"users":[{"email":"NEW.USER@example.com"}]}]}}`)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "duplicate email NEW.USER@example.com") {
		t.Fatalf("conflicting merge: %d %s", rec.Code, rec.Body)
	}
	if !reflect.DeepEqual(before, m.State()) {
		t.Fatal("a rejected merge changed the state")
	}
}

func TestResetRestoresTheStartupWorld(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	start := m.State()
	rec := send(m, http.MethodPost, "/api/v1/users", "application/json",
		`{"action":"UPDATE_EMAIL","data":{"currentEmail":"john.doe@example.com","newEmail":"moved@example.com"}}`, "cv-api-key", "cv-demo-key")
	if rec.Code != 200 {
		t.Fatalf("update: %d %s", rec.Code, rec.Body)
	}
	if reflect.DeepEqual(start, m.State()) {
		t.Fatal("the update changed nothing")
	}
	if rec := send(m, http.MethodPost, "/__mock/reset", "", ""); rec.Code != 200 {
		t.Fatalf("reset: %d %s", rec.Code, rec.Body)
	}
	if !reflect.DeepEqual(start, m.State()) {
		t.Fatal("reset did not restore the startup world")
	}
}

func TestControlBadInput(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	for _, tt := range []struct {
		name, method, path, contentType, body string
		status                                int
		want                                  string
	}{
		{"not JSON or YAML", http.MethodPut, "/__mock/state", "application/json", "{", 400, "not a JSON or YAML document"},
		{"wrong media type", http.MethodPut, "/__mock/state", "text/plain", "{}", 415, "Content-Type must be application/json or application/yaml"},
		{"an array", http.MethodPost, "/__mock/state", "application/json", "[]", 400, "the document must be an object"},
		{"unknown control path", http.MethodGet, "/__mock/nothing", "", "", 404, "No operation at /__mock/nothing"},
		{"wrong method", http.MethodDelete, "/__mock/state", "", "", 405, "Method DELETE is not allowed on /__mock/state"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := send(m, tt.method, tt.path, tt.contentType, tt.body)
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) || !strings.HasPrefix(rec.Body.String(), `{"errors":[`) {
				t.Fatalf("got %d %s", rec.Code, rec.Body)
			}
		})
	}
}

func TestVendorsCanBeRestricted(t *testing.T) {
	m, err := mock.New(mock.Options{Vendors: []string{"cl2c"}})
	if err != nil {
		t.Fatal(err)
	}
	rec := send(m, http.MethodGet, "/api/v1/users", "", "", "cv-api-key", "cv-demo-key")
	if rec.Code != 404 {
		t.Fatalf("care360 served although not enabled: %d %s", rec.Code, rec.Body)
	}
	if _, err := mock.New(mock.Options{Vendors: []string{"acme"}}); err == nil {
		t.Fatal("unknown vendor accepted")
	}
}

func TestUnknownRouteUnderAVendorUsesItsEnvelope(t *testing.T) {
	m := newMock(t)
	rec := send(m, http.MethodDelete, "/api/v1/users", "", "", "cv-api-key", "cv-demo-key")
	if rec.Code != 405 || rec.Body.String() != `{"status":405,"success":false,"message":"Method DELETE is not allowed on /api/v1/users"}` {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
}

// Vendor requests and control calls run through chains of their own: a
// fault rule that matches every path leaves the control API alone, the
// control token is never asked of a vendor request, and control calls
// never reach the journal.
func TestControlAndVendorChainsAreApart(t *testing.T) {
	t.Parallel()
	m, err := mock.New(mock.Options{ControlToken: "ctl-secret"})
	if err != nil {
		t.Fatal(err)
	}
	token := []string{mock.ControlTokenHeader, "ctl-secret"}
	if rec := send(m, http.MethodPost, "/__mock/faults", "application/json", `{"match":{"path":"/*"},"unavailable":true}`, token...); rec.Code != 201 {
		t.Fatalf("fault: %d %s", rec.Code, rec.Body)
	}
	// The vendor request meets the fault, not the control guard.
	rec := send(m, http.MethodGet, "/api/v1/users", "", "", "cv-api-key", "cv-demo-key")
	if rec.Code != 503 || rec.Body.String() != `{"status":503,"success":false,"error":"Service Unavailable","code":"UNAVAILABLE"}` {
		t.Fatalf("vendor request: %d %s", rec.Code, rec.Body)
	}
	// The control call meets the guard, not the fault.
	if rec := send(m, http.MethodGet, "/__mock/requests", "", ""); rec.Code != 401 {
		t.Fatalf("control call without the token: %d %s", rec.Code, rec.Body)
	}
	rec = send(m, http.MethodGet, "/__mock/requests", "", "", token...)
	if rec.Code != 200 {
		t.Fatalf("control call: %d %s", rec.Code, rec.Body)
	}
	var page struct{ Entries []struct{ Path string } }
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || len(page.Entries) != 1 || page.Entries[0].Path != "/api/v1/users" {
		t.Fatalf("journal holds %s, want only the vendor request", rec.Body)
	}
}
