package acme_test

// A fourth vendor, registered by this test alone, gets the journal, fault
// rules, sessions, state export and import, and recording from the mock's
// core without the core naming it.
//
// Lines touched outside package acme to add it: 1, the registry.Register
// call in TestMain below (a vendor shipped with the mock adds its Spec to
// registry's list instead: also one line).

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/internal/acme"
	"github.com/vendorsuite/contracts/mock/registry"
)

func TestMain(m *testing.M) {
	registry.Register(acme.Spec.Vendor())
	os.Exit(m.Run())
}

const world = `{"acme":{"accounts":[{"id":"a1","keys":["acme-secret-1"],"notes":[{"id":"n1","text":"first"}]}]}}`

func newMock(t *testing.T) *mock.Mock {
	t.Helper()
	doc, err := fixtures.Parse([]byte(world))
	if err != nil {
		t.Fatal(err)
	}
	m, err := mock.New(mock.Options{Fixtures: doc})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func send(m *mock.Mock, method, path, body string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, req)
	return rec
}

func expect(t *testing.T, what string, rec *httptest.ResponseRecorder, status int, body string) {
	t.Helper()
	if rec.Code != status || strings.TrimSpace(rec.Body.String()) != body {
		t.Fatalf("%s: got %d %s, want %d %s", what, rec.Code, rec.Body, status, body)
	}
}

func TestAFourthVendorGetsTheCore(t *testing.T) {
	m := newMock(t)
	key := []string{acme.KeyHeader, "acme-secret-1"}

	// Its route, its rule, its error envelope; unknown paths under its
	// prefix are its 404.
	expect(t, "update", send(m, http.MethodPut, "/acme/v1/notes/n2", `{"text":"second"}`, key...), 200, `{"id":"n2","text":"second"}`)
	expect(t, "rule", send(m, http.MethodPut, "/acme/v1/notes/n3", `{"text":""}`, key...), 422, `{"error":"text is required"}`)
	expect(t, "unknown key", send(m, http.MethodPut, "/acme/v1/notes/n3", `{"text":"x"}`, acme.KeyHeader, "nope"), 401, `{"error":"unknown key"}`)
	expect(t, "unknown path", send(m, http.MethodGet, "/acme/v1/nothing", ""), 404, `{"error":"No operation at /acme/v1/nothing"}`)

	// Journal: the vendor is named, its key redacted.
	rec := send(m, http.MethodGet, "/__mock/requests?vendor=acme", "")
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "acme-secret-1") {
		t.Fatalf("journal: %d %s", rec.Code, rec.Body)
	}
	var page struct {
		Entries []struct {
			Vendor  string
			Path    string
			Headers map[string]string
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || len(page.Entries) != 4 {
		t.Fatalf("journal: %v %s", err, rec.Body)
	}
	if e := page.Entries[0]; e.Vendor != "acme" || e.Path != "/acme/v1/notes/n2" || e.Headers[acme.KeyHeader] != "[REDACTED]" {
		t.Fatalf("journal entry: %+v", e)
	}

	// Recording: the key becomes a reference to its account.
	rec = send(m, http.MethodGet, "/__mock/requests?vendor=acme&format=scenario&name=acme", "")
	if out := rec.Body.String(); rec.Code != 200 || !strings.Contains(out, "X-Acme-Key: ${credential.acme.a1}") ||
		!strings.Contains(out, "vendor: acme") || strings.Contains(out, "acme-secret-1") {
		t.Fatalf("recording: %d\n%s", rec.Code, out)
	}
	// ...which a replay resolves back to the key through the registry.
	if key, ok := registry.CredentialOf(m.State(), "acme", "a1"); !ok || key != "acme-secret-1" {
		t.Fatalf("${credential.acme.a1} resolves to %q, %v", key, ok)
	}

	// Faults: matched by its credential, answered in its envelope, once.
	if rec := send(m, http.MethodPost, "/__mock/faults",
		`{"match":{"credential":"acme-secret-1"},"vendorError":{"status":503,"message":"down for maintenance"},"times":1}`); rec.Code != 201 {
		t.Fatalf("fault: %d %s", rec.Code, rec.Body)
	}
	expect(t, "faulted", send(m, http.MethodPut, "/acme/v1/notes/n2", `{"text":"third"}`, key...), 503, `{"error":"down for maintenance"}`)
	expect(t, "after the fault", send(m, http.MethodPut, "/acme/v1/notes/n2", `{"text":"third"}`, key...), 200, `{"id":"n2","text":"third"}`)
}

func TestAFourthVendorsStateRoundTrips(t *testing.T) {
	m := newMock(t)
	key := []string{acme.KeyHeader, "acme-secret-1"}
	expect(t, "update", send(m, http.MethodPut, "/acme/v1/notes/n1", `{"text":"changed"}`, key...), 200, `{"id":"n1","text":"changed"}`)

	state := send(m, http.MethodGet, "/__mock/state", "")
	want := `"acme":{"accounts":[{"id":"a1","keys":["acme-secret-1"],"notes":[{"id":"n1","text":"changed"}]}]}`
	if state.Code != 200 || !strings.Contains(state.Body.String(), want) {
		t.Fatalf("export: %d %s", state.Code, state.Body)
	}
	// Import what was exported into a fresh mock: it exports the same.
	fresh := newMock(t)
	put := send(fresh, http.MethodPut, "/__mock/state", state.Body.String())
	if put.Code != 200 || !strings.Contains(put.Body.String(), `"acme":{"accounts":1,"notes":1}`) {
		t.Fatalf("import: %d %s", put.Code, put.Body)
	}
	if again := send(fresh, http.MethodGet, "/__mock/state", ""); again.Body.String() != state.Body.String() {
		t.Fatalf("round trip differs:\n%s\n%s", state.Body, again.Body)
	}
	// Its section is checked by its own rules, whole document refused.
	bad := send(fresh, http.MethodPut, "/__mock/state", `{"acme":{"accounts":[{"id":"a1"},{"id":"a1"}]}}`)
	expect(t, "duplicate", bad, 400, `{"errors":["acme.accounts[1].id: missing or duplicate id \"a1\""]}`)
	bad = send(fresh, http.MethodPut, "/__mock/state", `{"acme":{"accounts":[{"id":"a1","colour":"red"}]}}`)
	if bad.Code != 400 || !strings.Contains(bad.Body.String(), `acme: json: unknown field \"colour\"`) {
		t.Fatalf("unknown member: %d %s", bad.Code, bad.Body)
	}
}

func TestAFourthVendorInSessions(t *testing.T) {
	m := newMock(t)
	key := []string{acme.KeyHeader, "acme-secret-1"}
	// A startup credential creates the session it names; the session's
	// world is its own.
	expect(t, "in session", send(m, http.MethodPut, "/acme/v1/notes/n9", `{"text":"session only"}`,
		append(key, mock.SessionHeader, "s1")...), 200, `{"id":"n9","text":"session only"}`)
	if main := send(m, http.MethodGet, "/__mock/state", "").Body.String(); strings.Contains(main, "n9") {
		t.Fatalf("the default world saw the session's write: %s", main)
	}
	if s := send(m, http.MethodGet, "/__mock/state", "", mock.SessionHeader, "s1").Body.String(); !strings.Contains(s, `"id":"n9"`) {
		t.Fatalf("the session lacks its write: %s", s)
	}
	// An unknown key names no session into being.
	expect(t, "unknown session", send(m, http.MethodPut, "/acme/v1/notes/n9", `{"text":"x"}`, acme.KeyHeader, "nope", mock.SessionHeader, "s2"),
		404, `{"error":"No session s2: create it with PUT /__mock/sessions/s2/state, or send a credential of the startup fixtures"}`)
}
