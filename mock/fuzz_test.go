package mock_test

// Fuzz targets for the vendor routes, through mock.New's handler. Each
// checks, whatever the input: no 5xx, no panic, a JSON body in the
// vendor's envelope, and no state change unless the answer is a 2xx.
//
//	go test -run='^$' -fuzz='^FuzzCare360Update$' -fuzztime=30s ./mock/
//
// make fuzz (scripts/fuzz.sh) runs every target; crashers the fuzzer finds
// are kept under testdata/fuzz/<FuzzName>/ and run as plain tests.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/care360"
	"github.com/vendorsuite/contracts/openapi/pageexamples"
)

// Credentials the fuzzers pick from by index; "" sends no header.
var (
	care360Keys = []string{"cv-demo-key", "cv-other-key", "", "cv-wrong-key", "CV-DEMO-KEY", " cv-demo-key"}
	cl2cTenants = []string{"tenant-demo", "your-tenant-id", "", "no-such-tenant"}
	cl2cKeys    = []string{"cl2c-demo-key", "your-api-key", "", "wrong-key"}
	r1Auth      = []string{"Bearer r1-demo-token", "Bearer r1-other-token", "", "Bearer wrong", "r1-demo-token", "bearer r1-demo-token", "Bearer "}
)

func pick(list []string, i uint8) string { return list[int(i)%len(list)] }

// headerSafe reports whether v could arrive as a header value over HTTP.
func headerSafe(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// fuzzMock is one mock per fuzz process; every iteration starts from the
// startup world (a 2xx is followed by a reset).
func fuzzMock(f *testing.F) *mock.Mock {
	m, err := mock.New(mock.Options{JournalSize: 16})
	if err != nil {
		f.Fatal(err)
	}
	return m
}

// serve runs req and checks the properties every vendor answer shares:
// below 500, a JSON object, in the vendor's envelope, and the state left
// alone on a refusal.
func serve(t *testing.T, m *mock.Mock, req *http.Request, envelope func(status int, body map[string]any) error) (int, map[string]any) {
	t.Helper()
	before := m.State()
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s %s: 5xx: %d %s", req.Method, req.URL, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: Content-Type %q: %d %s", req.Method, req.URL, ct, rec.Code, rec.Body)
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s %s: body is not a JSON object: %v: %d %s", req.Method, req.URL, err, rec.Code, rec.Body)
	}
	if err := envelope(rec.Code, body); err != nil {
		t.Fatalf("%s %s: %d %s: %v", req.Method, req.URL, rec.Code, rec.Body, err)
	}
	if rec.Code >= 300 {
		if after := m.State(); !reflect.DeepEqual(before, after) {
			t.Fatalf("%s %s: a refused request (%d %s) changed the state", req.Method, req.URL, rec.Code, rec.Body)
		}
	} else if req.Method != http.MethodGet {
		m.Reset()
	}
	return rec.Code, body
}

// keys reports an error unless body has exactly the keys want (plus any
// of optional).
func keys(body map[string]any, want []string, optional ...string) error {
	for _, k := range want {
		if _, ok := body[k]; !ok {
			return fmt.Errorf("envelope lacks %q", k)
		}
	}
	for k := range body {
		if !contains(want, k) && !contains(optional, k) {
			return fmt.Errorf("envelope has the unexpected key %q", k)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func number(v any, want int) bool { f, ok := v.(float64); return ok && f == float64(want) }

// care360Envelope: {status,success,message[,data]} or the missing-key body
// {status,success,error,code}; the list answer {meta,data}.
func care360Envelope(status int, body map[string]any) error {
	if status < 300 {
		if _, ok := body["meta"]; ok {
			if err := keys(body, []string{"meta", "data"}); err != nil {
				return err
			}
			if _, ok := body["data"].([]any); !ok {
				return fmt.Errorf("data is not an array")
			}
			return nil
		}
		if err := keys(body, []string{"status", "success", "message", "data"}); err != nil {
			return err
		}
		if !number(body["status"], status) || body["success"] != true {
			return fmt.Errorf("status/success do not match %d", status)
		}
		return nil
	}
	if _, ok := body["code"]; ok {
		if err := keys(body, []string{"status", "success", "error", "code"}); err != nil {
			return err
		}
	} else if err := keys(body, []string{"status", "success", "message"}); err != nil {
		return err
	}
	if !number(body["status"], status) || body["success"] != false {
		return fmt.Errorf("status/success do not match %d", status)
	}
	if m, ok := body["message"]; ok {
		if s, _ := m.(string); s == "" {
			return fmt.Errorf("empty message")
		}
	}
	return nil
}

// cl2cEnvelope: the user on success; problem details or the default error.
func cl2cEnvelope(status int, body map[string]any) error {
	if status < 300 {
		if s, _ := body["id"].(string); s == "" {
			return fmt.Errorf("the user has no id")
		}
		return nil
	}
	if _, ok := body["statusCode"]; ok {
		if err := keys(body, []string{"messages", "source", "exception", "errorId", "supportMessage", "statusCode"}); err != nil {
			return err
		}
		if !number(body["statusCode"], status) {
			return fmt.Errorf("statusCode does not match %d", status)
		}
		if msgs, _ := body["messages"].([]any); len(msgs) == 0 {
			return fmt.Errorf("no messages")
		}
		return nil
	}
	if err := keys(body, []string{"type", "title", "status", "errors"}, "detail", "instance", "traceId"); err != nil {
		return err
	}
	if !number(body["status"], status) {
		return fmt.Errorf("status does not match %d", status)
	}
	if errs, _ := body["errors"].(map[string]any); len(errs) == 0 {
		return fmt.Errorf("a problem without errors")
	}
	return nil
}

// r1Envelope: {error:0,message,data} or {error:1,message[,errors]}.
func r1Envelope(status int, body map[string]any) error {
	if status < 300 {
		if err := keys(body, []string{"error", "message", "data"}); err != nil {
			return err
		}
		if !number(body["error"], 0) {
			return fmt.Errorf("error is not 0 on a success")
		}
		return nil
	}
	if err := keys(body, []string{"error", "message"}, "errors"); err != nil {
		return err
	}
	if !number(body["error"], 1) {
		return fmt.Errorf("error is not 1 on a failure")
	}
	if s, _ := body["message"].(string); s == "" {
		return fmt.Errorf("empty message")
	}
	return nil
}

func FuzzCare360Update(f *testing.F) {
	for i, body := range []string{
		pageexamples.Care360ProfileBody, pageexamples.Care360ProfileCurlBody, pageexamples.Care360EmailRequest,
		`{"action":"UPDATE_PROFILE","data":{"email":"locked.user@example.com","firstName":"Other"}}`,
		`{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","phoneNumber":"+15550000001"}}`,
		`{"action":"UPDATE_PROFILE","data":{"email":"provider@example.com","city":"X"}}`,
		`{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","address":"P.O. Box 12","address2":null}}`,
		`{"action":"UPDATE_EMAIL","data":{"currentEmail":"john.doe@example.com","newEmail":"ghost@example.com"}}`,
		`{"action":"UPDATE_EMAIL","data":{"currentEmail":"JOHN.DOE@example.com","newEmail":"Jane.Roe@example.com"}}`,
		`{"action":"UPDATE_EMAIL","data":{"currentEmail":"john.doe@example.com","newEmail":"other.user@example.com"}}`,
		`{"action":"DELETE","data":{}}`, `{}`, `[]`, `null`, ``, `{"action":"UPDATE_EMAIL"}`,
	} {
		f.Add([]byte(body), "application/json", uint8(i))
	}
	f.Add([]byte(pageexamples.Care360ProfileBody), "text/plain", uint8(0))
	f.Add([]byte(pageexamples.Care360EmailRequest), "application/json; charset=utf-8", uint8(0))
	f.Add([]byte(pageexamples.Care360EmailRequest), "", uint8(2))
	m := fuzzMock(f)
	f.Fuzz(func(t *testing.T, body []byte, contentType string, key uint8) {
		if !headerSafe(contentType) {
			t.Skip()
		}
		req := httptest.NewRequest(http.MethodPost, "/api/v1/users", strings.NewReader(string(body)))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if k := pick(care360Keys, key); k != "" {
			req.Header.Set("cv-api-key", k)
		}
		serve(t, m, req, care360Envelope)
	})
}

func FuzzCare360List(f *testing.F) {
	for i, q := range []string{
		"limit=10&after=MjAyNS0xMS0yNlQxMDo1NToxMi4wMTRafG45SHRoNTFRcHBlUnpoMVk2TVBOVlZwdU1zYzI",
		"", "limit=1", "limit=0", "limit=101", "limit=abc", "email=john", "email=JOHN.DOE%40", "sortOrder=desc&limit=2",
		"sorOrder=asc", "sortOrder=sideways", "after=not-base64!", "after=", "after=MjAyNQ", "limit=1&limit=2", "email=%zz",
	} {
		f.Add(q, uint8(i))
	}
	m := fuzzMock(f)
	f.Fuzz(func(t *testing.T, query string, key uint8) {
		for i := 0; i < len(query); i++ {
			if c := query[i]; c <= ' ' || c >= 0x7f || c == '#' {
				t.Skip() // cannot arrive in a request line
			}
		}
		req := httptest.NewRequest(http.MethodGet, "/api/v1/users", nil)
		req.URL.RawQuery, req.RequestURI = query, "/api/v1/users?"+query
		if k := pick(care360Keys, key); k != "" {
			req.Header.Set("cv-api-key", k)
		}
		status, body := serve(t, m, req, care360Envelope)
		if status != http.StatusOK {
			return
		}
		meta, _ := body["meta"].(map[string]any)
		if c, ok := meta["cursor"].(string); ok {
			if _, err := care360.DecodeCursor(c); err != nil {
				t.Fatalf("?%s: the answer's cursor %q does not decode: %v", query, c, err)
			}
		} else if data, _ := body["data"].([]any); len(data) > 0 {
			t.Fatalf("?%s: a non-empty page without a cursor: %v", query, body)
		}
	})
}

func FuzzCL2CUpdate(f *testing.F) {
	for i, body := range []string{
		pageexamples.CL2CRequest,
		`{"id": "user_id", "firstName": "John", "lastName": "Doe", "phoneNumber": "+1234567890", "pushToken": "push_token_example"}`,
		`{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","firstName":"John","lastName":"Doe"}`,
		`{"id":"nobody","firstName":"A","lastName":"B"}`,
		`{"id":"","firstName":"","lastName":""}`, `{"id":"string","firstName":"J","lastName":"D","phoneNumber":"123"}`,
		`{}`, `[]`, `null`, ``, `{"id":1}`,
	} {
		f.Add([]byte(body), uint8(i), uint8(i))
	}
	m := fuzzMock(f)
	f.Fuzz(func(t *testing.T, body []byte, tenant, key uint8) {
		req := httptest.NewRequest(http.MethodPut, "/v1/cl2c/user", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		if v := pick(cl2cTenants, tenant); v != "" {
			req.Header.Set("tenant", v)
		}
		if v := pick(cl2cKeys, key); v != "" {
			req.Header.Set("X-API-Key", v)
		}
		serve(t, m, req, cl2cEnvelope)
	})
}

func FuzzR1Update(f *testing.F) {
	for i, body := range []string{
		pageexamples.R1Request,
		`{"username":"xyz123","company_username":"xyz123","client_email":"client@example.com","client_location":"Bend Treatment Center","client_program":"General","client_practitioner":"practitioner@example.com","client_status":"active"}`,
		`{"username":"TAKEN_USER","client_email":"Taken@Example.com"}`,
		`{"client_status":"inactive"}`, `{"username":""}`, `{}`, `[]`, `null`, ``, `{"client_email":"not an email"}`,
	} {
		f.Add([]byte(body), "1", "abcxyz123456", uint8(i))
	}
	f.Add([]byte(`{}`), "2", "other123456", uint8(1))
	f.Add([]byte(`{}`), "x", "abcxyz123456", uint8(0))
	f.Add([]byte(`{}`), "99", "abcxyz123456", uint8(0))
	f.Add([]byte(`{}`), "1", "nobody", uint8(0))
	m := fuzzMock(f)
	f.Fuzz(func(t *testing.T, body []byte, companyID, clientID string, token uint8) {
		target := "/api/v1/companies/" + url.PathEscape(companyID) + "/users/" + url.PathEscape(clientID)
		req := httptest.NewRequest(http.MethodPut, target, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		if v := pick(r1Auth, token); v != "" {
			req.Header.Set("Authorization", v)
		}
		serve(t, m, req, r1Envelope)
	})
}
