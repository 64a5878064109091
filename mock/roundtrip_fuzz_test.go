package mock_test

// The round-trip property: whatever sequence of vendor calls a client
// makes, on every vendor, the state it leaves exports, re-imports and
// exports identically, and a state file written from it reloads.
//
//	go test -run='^$' -fuzz='^FuzzRoundTrip$' -fuzztime=30s ./mock/
//
// The program bytes choose the calls; the fuzzer's string is one more
// value for any field, or a whole request body.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/jsonresp"
	"github.com/vendorsuite/contracts/mock/statefile"
)

// program hands out the fuzzer's bytes one at a time, 0 once exhausted.
type program struct {
	b []byte
	i int
}

func (p *program) next() int {
	if p.i >= len(p.b) {
		return 0
	}
	p.i++
	return int(p.b[p.i-1])
}

func (p *program) done() bool { return p.i >= len(p.b) }

func (p *program) pick(list []any) any { return list[p.next()%len(list)] }

// Values any field may get: hostile strings, unicode, null and wrong types.
func fieldValues(s string) []any {
	return []any{
		s, "", " ", " \t ", "Ünïcödé ✓ 名前", "x", "NY", "ny", "1995-10-01", "1995-02-30", "2024-02-29",
		"+15550000001", "+11111111111", "+1234567890", "12-34", "P.O. Box 12",
		"john.doe@example.com", " jane.roe@example.com", "JANE.ROE@example.com", "not-an-email", "ünï@exämple.com",
		"taken_user", "TAKEN@example.com", "Bend Treatment Center", "General", "practitioner@example.com", "active", "inactive",
		nil, 5, true, []any{"en"}, map[string]any{"a": 1},
	}
}

// name spells a field as the schema does, or in another case.
func name(p *program, field string) string {
	switch p.next() % 4 {
	case 1:
		return strings.ToUpper(field[:1]) + field[1:]
	case 2:
		return strings.ToUpper(field)
	}
	return field
}

// fields builds an object of some of the given fields.
func fields(p *program, s string, names ...string) map[string]any {
	out := map[string]any{}
	values := fieldValues(s)
	for _, f := range names {
		if p.next()%3 == 0 {
			out[name(p, f)] = p.pick(values)
		}
	}
	return out
}

var (
	rtCare360Users = []any{"john.doe@example.com", "JOHN.DOE@example.com", "jane.roe@example.com", "john.doe@carevalidate.com",
		"locked.user@example.com", "phone.owner@example.com", "provider@example.com", "other.user@example.com", "nobody@example.com", ""}
	rtCL2CUsers = []any{"3fa85f64-5717-4562-b3fc-2c963f66afa6", "9b2f7c1e-3d4a-4f6b-8e2d-1a2b3c4d5e6f", "user_id", "string", "nope", ""}
	rtR1Clients = []string{"abcxyz123456", "taken123456", "nobody"}
	rtR1Auth    = []string{"Bearer r1-demo-token", "Bearer r1-other-token"}
	rtProfile   = []string{"firstName", "lastName", "dob", "phoneNumber", "gender", "address", "address2", "city",
		"state", "country", "postalCode", "allergies", "currentMedications", "healthConditions", "languagePreferences"}
)

// call makes one vendor request chosen by the program, and returns its
// body for the failure message.
func call(p *program, s string) (*http.Request, string) {
	op := p.next() % 7
	var method, target, body string
	header := http.Header{"Content-Type": {"application/json"}}
	switch op {
	case 0, 1: // Care360 UPDATE_PROFILE
		data := fields(p, s, rtProfile...)
		data[name(p, "email")] = p.pick(append(rtCare360Users, s))
		b, _ := json.Marshal(map[string]any{name(p, "action"): "UPDATE_PROFILE", "data": data})
		method, target, body = http.MethodPost, "/api/v1/users", string(b)
		header.Set("cv-api-key", []string{"cv-demo-key", "cv-other-key"}[p.next()%2])
	case 2: // Care360 UPDATE_EMAIL
		data := map[string]any{name(p, "currentEmail"): p.pick(rtCare360Users), name(p, "newEmail"): p.pick(fieldValues(s))}
		b, _ := json.Marshal(map[string]any{"action": "UPDATE_EMAIL", "data": data})
		method, target, body = http.MethodPost, "/api/v1/users", string(b)
		header.Set("cv-api-key", "cv-demo-key")
	case 3: // CL2C
		data := fields(p, s, "firstName", "lastName", "phoneNumber", "pushToken")
		data[name(p, "id")] = p.pick(rtCL2CUsers)
		b, _ := json.Marshal(data)
		method, target, body = http.MethodPut, "/v1/cl2c/user", string(b)
		header.Set("tenant", "tenant-demo")
		header.Set("X-API-Key", "cl2c-demo-key")
		if p.next()%2 == 1 {
			header.Set("tenant", "your-tenant-id")
			header.Set("X-API-Key", "your-api-key")
		}
	case 4, 5: // R1 Discover
		b, _ := json.Marshal(fields(p, s, "username", "company_username", "client_email", "client_location",
			"client_program", "client_practitioner", "client_status"))
		company := []string{"1", "2"}[p.next()%2]
		method, target, body = http.MethodPut, "/api/v1/companies/"+company+"/users/"+rtR1Clients[p.next()%len(rtR1Clients)], string(b)
		header.Set("Authorization", rtR1Auth[p.next()%2])
		header.Set("Accept", "application/json")
	case 6: // the fuzzer's string as a whole body, to any vendor
		method, body = http.MethodPost, s
		switch p.next() % 3 {
		case 0:
			target = "/api/v1/users"
			header.Set("cv-api-key", "cv-demo-key")
		case 1:
			method, target = http.MethodPut, "/v1/cl2c/user"
			header.Set("tenant", "tenant-demo")
			header.Set("X-API-Key", "cl2c-demo-key")
		default:
			method, target = http.MethodPut, "/api/v1/companies/1/users/abcxyz123456"
			header.Set("Authorization", "Bearer r1-demo-token")
		}
	}
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header = header
	return req, body
}

// checkRoundTrip asserts GET → PUT → GET is a fixed point, and that the
// state file a saver would write from the state reloads into another
// mock (as --state-file does at startup) that exports the same document.
func checkRoundTrip(t *testing.T, m, reload *mock.Mock, path string, after string) {
	t.Helper()
	first := send(m, http.MethodGet, "/__mock/state", "", "")
	if first.Code != http.StatusOK {
		t.Fatalf("after %s: GET state: %d %s", after, first.Code, first.Body)
	}
	if put := send(m, http.MethodPut, "/__mock/state", "application/json", first.Body.String()); put.Code != http.StatusOK {
		t.Fatalf("after %s: the exported state does not re-import: %d %s\n%s", after, put.Code, put.Body, first.Body)
	}
	if second := send(m, http.MethodGet, "/__mock/state", "", ""); !bytes.Equal(first.Body.Bytes(), second.Body.Bytes()) {
		t.Fatalf("after %s: GET → PUT → GET is not a fixed point:\n%s\n%s", after, first.Body, second.Body)
	}
	// The bytes statefile.Save writes, without its fsyncs, which would
	// make the fuzzer wait on the disk.
	data, err := jsonresp.Marshal(m.State())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	doc, found, err := statefile.Load(path)
	if err != nil || !found {
		t.Fatalf("after %s: the state file does not reload (found=%v): %v", after, found, err)
	}
	if err := reload.ReplaceState(doc); err != nil {
		t.Fatalf("after %s: a server cannot start from its own state file: %v", after, err)
	}
	if again := send(reload, http.MethodGet, "/__mock/state", "", ""); !bytes.Equal(first.Body.Bytes(), again.Body.Bytes()) {
		t.Fatalf("after %s: the reloaded state file is another world:\n%s\n%s", after, first.Body, again.Body)
	}
}

func FuzzRoundTrip(f *testing.F) {
	raw := func(vendor byte, body string) { f.Add([]byte{6, vendor}, body) }
	// The cases that once left a state the mock could not reload.
	raw(0, `{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","DOB":"garbage"}}`)
	raw(0, `{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","phoneNumber":""}}`)
	raw(0, `{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","dob":"1995-02-30"}}`)
	raw(0, `{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","firstName":"   "}}`)
	raw(0, `{"action":"UPDATE_EMAIL","data":{"currentEmail":"john.doe@example.com","newEmail":""}}`)
	raw(0, `{"action":"UPDATE_EMAIL","data":{"currentEmail":"john.doe@example.com","newEmail":"not-an-email"}}`)
	raw(0, `{"action":"UPDATE_EMAIL","data":{"currentEmail":"john.doe@example.com","newEmail":" jane.roe@example.com "}}`)
	raw(0, `{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","Email":"jane.roe@example.com","FIRSTNAME":"X","State":"zz"}}`)
	raw(1, `{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","firstName":"John","lastName":"Doe","PhoneNumber":"12-34"}`)
	raw(1, `{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","firstName":" ","lastName":"Doe","phoneNumber":""}`)
	raw(2, `{"Username":"x","client_email":"not an email"}`)
	raw(2, `{"username":"  ","client_email":" client@example.com"}`)
	raw(2, `{"username":"Ünïcödé","client_email":"ünï@exämple.com","client_status":null}`)
	// Structured sequences: profile, email, CL2C and R1 calls in a row.
	f.Add([]byte{0, 0, 0, 3, 1, 0, 2, 0, 1, 0, 2, 1, 0, 2, 3, 0, 0, 2, 4, 0, 0, 0, 0, 3, 0, 0, 5, 0}, "Zoë")
	f.Add([]byte{2, 0, 3, 2, 7, 3, 0, 0, 0, 2, 0, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}, "")
	f.Add([]byte{1, 3, 3, 9, 0, 3, 0, 12, 3, 2, 2, 3, 0, 2, 3, 0, 1, 2, 1, 0, 5, 0, 3, 0, 0, 0, 0, 1, 0}, "+19998887777")
	m, err := mock.New(mock.Options{JournalSize: 16})
	if err != nil {
		f.Fatal(err)
	}
	reload, err := mock.New(mock.Options{JournalSize: 1})
	if err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(f.TempDir(), "state.json")
	f.Fuzz(func(t *testing.T, code []byte, s string) {
		if len(code) > 64 || len(s) > 4096 {
			t.Skip()
		}
		m.Reset()
		p := &program{b: code}
		for n := 0; n == 0 || (!p.done() && n < 8); n++ {
			req, body := call(p, s)
			rec := httptest.NewRecorder()
			m.ServeHTTP(rec, req)
			desc := fmt.Sprintf("call %d: %s %s %s → %d %s", n, req.Method, req.URL, body, rec.Code, rec.Body)
			if rec.Code >= 500 {
				t.Fatal(desc)
			}
			checkRoundTrip(t, m, reload, path, desc)
		}
	})
}
