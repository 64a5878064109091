package mock_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/vendorsuite/contracts/mock"
)

func heapInUse() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func serveWith(m *mock.Mock, method, target, body string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, req)
	return rec
}

// TestSessionFloodWithoutCredentials names a new session in each of 5,000
// requests that carry no credential, a wrong one, or ask for no operation:
// none creates a session, and the heap does not grow with them.
func TestSessionFloodWithoutCredentials(t *testing.T) {
	m, err := mock.New(mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := heapInUse()
	for i := range 5000 {
		name := fmt.Sprintf("flood-%d", i)
		var rec *httptest.ResponseRecorder
		switch i % 4 {
		case 0:
			rec = serveWith(m, "GET", "/api/v1/users?limit=1", "", mock.SessionHeader, name)
		case 1:
			rec = serveWith(m, "GET", "/api/v1/users?limit=1", "", mock.SessionHeader, name, "cv-api-key", "cv-wrong-key")
		case 2:
			rec = serveWith(m, "PUT", "/__sessions/"+name+"/v1/cl2c/user", `{"id":"x"}`, "tenant", "tenant-demo", "X-API-Key", "nope", "Content-Type", "application/json")
		default:
			rec = serveWith(m, "GET", "/__sessions/"+name+"/no/such/path", "")
		}
		if rec.Code != 404 || !strings.Contains(rec.Body.String(), "No session "+name+": create it with PUT /__mock/sessions/"+name+"/state, or send a credential of the startup fixtures") {
			t.Fatalf("request %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	grown := int64(heapInUse()) - int64(before)
	if grown > 1<<20 {
		t.Fatalf("5,000 refused session names grew the heap by %d bytes", grown)
	}
	if rec := serveWith(m, "GET", "/__mock/sessions", ""); rec.Body.String() != `{"sessions":[]}` {
		t.Fatalf("sessions: %s", rec.Body)
	}
	if rec := serveWith(m, "GET", "/api/v1/users?limit=1", "", mock.SessionHeader, "care360-"+"x", "cv-api-key", "cv-demo-key"); rec.Code != 200 {
		t.Fatalf("a startup credential creates the session: %d %s", rec.Code, rec.Body)
	}
}

func TestMaxSessions(t *testing.T) {
	m, err := mock.New(mock.Options{MaxSessions: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if rec := serveWith(m, "GET", "/api/v1/users?limit=1", "", mock.SessionHeader, fmt.Sprint("s", i), "cv-api-key", "cv-demo-key"); rec.Code != 200 {
			t.Fatalf("session %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	const refusal = "The mock already holds 3 sessions, its limit (--max-sessions); delete one with DELETE /__mock/sessions/<name>"
	rec := serveWith(m, "GET", "/api/v1/users?limit=1", "", mock.SessionHeader, "s3", "cv-api-key", "cv-demo-key")
	if rec.Code != 429 || rec.Body.String() != `{"status":429,"success":false,"error":"`+refusal+`","code":"RATE_LIMITED"}` {
		t.Fatalf("vendor request beyond the cap: %d %s", rec.Code, rec.Body)
	}
	rec = serveWith(m, "PUT", "/__mock/sessions/s3/state", `{}`, "Content-Type", "application/json")
	if rec.Code != 429 || rec.Body.String() != `{"errors":["`+refusal+`"]}` {
		t.Fatalf("control call beyond the cap: %d %s", rec.Code, rec.Body)
	}
	if rec := serveWith(m, "DELETE", "/__mock/sessions/s0", ""); rec.Code != 204 {
		t.Fatalf("delete: %d", rec.Code)
	}
	if rec := serveWith(m, "PUT", "/__mock/sessions/s3/state", `{}`, "Content-Type", "application/json"); rec.Code != 200 {
		t.Fatalf("after a delete: %d %s", rec.Code, rec.Body)
	}
}

// TestJournalBytesBounded sends 50 requests with 60 KB bodies to each of
// four sessions: the journals keep within their byte limits, and the heap
// grows by no more than the total limit (plus slack), not by the 12 MB
// that were sent.
func TestJournalBytesBounded(t *testing.T) {
	const perSession, total = 256 << 10, 512 << 10
	m, err := mock.New(mock.Options{JournalBytes: perSession, JournalTotalBytes: total})
	if err != nil {
		t.Fatal(err)
	}
	sessions := []string{"", "a", "b", "c"}
	send := func(session string, i int) {
		body := fmt.Sprintf(`{"action":"UPDATE_PROFILE","data":{"email":"nobody-%d@example.com","address":"%s"}}`, i, strings.Repeat("x", 60_000))
		h := []string{"cv-api-key", "cv-demo-key", "Content-Type", "application/json"}
		if session != "" {
			h = append(h, mock.SessionHeader, session)
		}
		if rec := serveWith(m, "POST", "/api/v1/users", body, h...); rec.Code != 400 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	for _, s := range sessions {
		send(s, -1)
	}
	before := heapInUse()
	for i := range 50 {
		for _, s := range sessions {
			send(s, i)
		}
	}
	grown := int64(heapInUse()) - int64(before)
	if grown > total+(1<<20) {
		t.Fatalf("the heap grew by %d bytes, over the %d-byte journal limit", grown, total)
	}
	kept := 0
	for _, s := range sessions {
		rec := serveWith(m, "GET", "/__mock/requests", "", mock.SessionHeader, s)
		if s == "" {
			rec = serveWith(m, "GET", "/__mock/requests", "")
		}
		var page struct {
			Entries []struct {
				Body *string `json:"body"`
			} `json:"entries"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			t.Fatal(err)
		}
		bytes := 0
		for _, e := range page.Entries {
			if e.Body != nil {
				bytes += len(*e.Body)
			}
		}
		if bytes > perSession {
			t.Fatalf("session %q keeps %d body bytes, over its %d-byte limit", s, bytes, perSession)
		}
		kept += bytes
	}
	if kept > total || kept == 0 {
		t.Fatalf("the journals keep %d body bytes together (limit %d)", kept, total)
	}
}

// TestDeletedSessionsGiveTheirJournalBytesBack creates and deletes sessions
// whose journals fill the whole shared budget: a later session still
// journals its requests.
func TestDeletedSessionsGiveTheirJournalBytesBack(t *testing.T) {
	m, err := mock.New(mock.Options{JournalBytes: 64 << 10, JournalTotalBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"action":"UPDATE_PROFILE","data":{"email":"nobody@example.com","address":"` + strings.Repeat("x", 20_000) + `"}}`
	for i := range 20 {
		name := fmt.Sprint("short-lived-", i)
		for range 4 {
			serveWith(m, "POST", "/api/v1/users", body, "cv-api-key", "cv-demo-key", "Content-Type", "application/json", mock.SessionHeader, name)
		}
		if rec := serveWith(m, "DELETE", "/__mock/sessions/"+name, ""); rec.Code != 204 {
			t.Fatalf("delete: %d", rec.Code)
		}
	}
	serveWith(m, "POST", "/api/v1/users", body, "cv-api-key", "cv-demo-key", "Content-Type", "application/json", mock.SessionHeader, "last")
	if got := serveWith(m, "GET", "/__mock/requests", "", mock.SessionHeader, "last").Body.String(); !strings.Contains(got, `"seq":1,`) {
		t.Fatalf("the last session journals nothing: %.300s", got)
	}
}
