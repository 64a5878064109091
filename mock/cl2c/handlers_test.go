package cl2c_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/cl2c"
	"github.com/vendorsuite/contracts/mock/jsonresp"
	"github.com/vendorsuite/contracts/mock/problem"
)

func sp(s string) *string { return &s }
func bp(b bool) *bool     { return &b }

// world is the test fixture: tenant t1 with a full user (the page's) and a
// minimal one, and tenant t2 whose user ids overlap t1's on purpose.
func world() *mockcontrol.Cl2cFixtures {
	return &mockcontrol.Cl2cFixtures{Tenants: []mockcontrol.Cl2cTenant{
		{Id: "t1", ApiKeys: []string{"k1", "k1b"}, Users: []mockcontrol.Cl2cUser{
			{
				Id: "u1", UserName: sp("john_doe"), FirstName: sp("John"), LastName: sp("Doe"),
				Email: sp("john.doe@example.com"), EmailConfirmed: bp(true), Authenticated: bp(true),
				AuthValidUpto: sp("2024-11-05T19:42:26.587Z"), AuthLocation: sp("USA"),
				PhoneNumber: sp("+1234567890"), WalletAddress: sp("0x123456789ABCDEF"), PushToken: sp("old_token"),
			},
			{Id: "u2", FirstName: sp("Min"), LastName: sp("Imal")},
		}},
		{Id: "t2", ApiKeys: []string{"k2"}, Users: []mockcontrol.Cl2cUser{
			{Id: "u1", FirstName: sp("Other"), LastName: sp("Tenant")},
			{Id: "u3", FirstName: sp("Only"), LastName: sp("InT2")},
		}},
	}}
}

func newServer(t testing.TB, f *mockcontrol.Cl2cFixtures) (*echo.Echo, *cl2c.Store) {
	t.Helper()
	store, problems := cl2c.Build(f)
	if len(problems) > 0 {
		t.Fatalf("fixtures: %v", problems)
	}
	e := echo.New()
	if err := cl2c.Register(e, nil, func(echo.Context) *cl2c.Store { return store }, 1<<20); err != nil {
		t.Fatal(err)
	}
	return e, store
}

// call is one request; empty header values are not sent.
type call struct {
	tenant, key, contentType, body string
	method                         string // PUT when empty
	unknownLength                  bool   // send the body without Content-Length
}

func put(tenant, key, body string) call {
	return call{tenant: tenant, key: key, contentType: "application/json", body: body}
}

func do(e *echo.Echo, c call) *httptest.ResponseRecorder {
	method := c.method
	if method == "" {
		method = http.MethodPut
	}
	req := httptest.NewRequest(method, "/v1/cl2c/user", strings.NewReader(c.body))
	if c.unknownLength {
		req.ContentLength = -1
	}
	if c.tenant != "" {
		req.Header.Set(cl2c.TenantHeader, c.tenant)
	}
	if c.key != "" {
		req.Header.Set(cl2c.APIKeyHeader, c.key)
	}
	if c.contentType != "" {
		req.Header.Set(echo.HeaderContentType, c.contentType)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

var (
	errorIDPattern  = regexp.MustCompile(`^error-[0-9a-f]{16}$`)
	instancePattern = regexp.MustCompile(`^req-[0-9a-f]{16}$`)
)

// decode reads a JSON answer and replaces the per-error ids, after
// checking their form, with fixed markers so bodies compare exactly.
func decode(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if ct := rec.Header().Get(echo.HeaderContentType); ct != jsonresp.ContentType {
		t.Errorf("Content-Type = %q", ct)
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, rec.Body)
	}
	if id, ok := m["errorId"]; ok {
		if s, _ := id.(string); !errorIDPattern.MatchString(s) {
			t.Errorf("errorId %v does not match %s", id, errorIDPattern)
		}
		m["errorId"] = "<errorId>"
	}
	if id, ok := m["instance"]; ok {
		if s, _ := id.(string); !instancePattern.MatchString(s) {
			t.Errorf("instance %v does not match %s", id, instancePattern)
		}
		m["instance"] = "<instance>"
	}
	return m
}

func mustJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad expectation %s: %v", s, err)
	}
	return m
}

// defaultError is the page's general error shape with the id masked.
func defaultError(status int, exception string, messages ...string) string {
	msgs, _ := json.Marshal(messages)
	return fmt.Sprintf(`{"messages":%s,"source":"API Gateway","exception":%q,"errorId":"<errorId>","supportMessage":"Please contact support with this error ID.","statusCode":%d}`, msgs, exception, status)
}

// problem is the page's 400 shape with the instance masked.
func problemBody(errs string) string {
	return `{"type":"https://example.com/error","title":"Invalid Request","status":400,"detail":"The request parameters are incorrect.","instance":"<instance>","errors":` + errs + `}`
}

var (
	unauthorized = defaultError(401, "System.UnauthorizedAccessException", "Invalid tenant or API key.")
	notJSON      = problemBody(`{"body":["The request body is not valid JSON."]}`)
	notObject    = problemBody(`{"body":["The request body must be a JSON object."]}`)
	mediaType    = defaultError(415, "System.NotSupportedException", "Content-Type must be application/json.")
	tooLarge     = defaultError(413, "System.IO.InvalidDataException", "The request body exceeds the 1 MiB limit.")
)

func notFound(id string) string {
	return defaultError(404, "System.Collections.Generic.KeyNotFoundException", "User "+id+" not found.")
}

const okBody = `{"id":"u1","firstName":"John","lastName":"Doe","phoneNumber":"+1234567890","pushToken":"push_token_example"}`

// bigBody is valid JSON just over 1 MiB, so only its size is wrong.
var bigBody = `{"id":"u1","firstName":"John","lastName":"Doe","pushToken":"` + strings.Repeat("x", 1<<20) + `"}`

// Every refused request: exact status and body, and the state unchanged.
func TestRefusals(t *testing.T) {
	tests := []struct {
		name   string
		call   call
		status int
		body   string
	}{
		// Authentication comes first, whatever the body.
		{"no headers", call{contentType: "application/json", body: okBody}, 401, unauthorized},
		{"no tenant", put("", "k1", okBody), 401, unauthorized},
		{"no key", put("t1", "", okBody), 401, unauthorized},
		{"unknown tenant", put("nope", "k1", okBody), 401, unauthorized},
		{"unknown key", put("t1", "nope", okBody), 401, unauthorized},
		{"key of another tenant", put("t1", "k2", okBody), 401, unauthorized},
		{"tenant id as key", put("t1", "t1", okBody), 401, unauthorized},
		{"key case differs", put("t1", "K1", okBody), 401, unauthorized},
		{"unauthorized before malformed JSON", put("t1", "nope", `{`), 401, unauthorized},
		{"unauthorized before content type", call{tenant: "t1", key: "nope", contentType: "text/plain", body: okBody}, 401, unauthorized},
		{"unauthorized before size", put("nope", "k1", bigBody), 401, unauthorized},

		// Transport-level problems of the body.
		{"no content type", call{tenant: "t1", key: "k1", body: okBody}, 415, mediaType},
		{"text/plain", call{tenant: "t1", key: "k1", contentType: "text/plain", body: okBody}, 415, mediaType},
		{"form", call{tenant: "t1", key: "k1", contentType: "application/x-www-form-urlencoded", body: "id=u1"}, 415, mediaType},
		{"body over 1 MiB", put("t1", "k1", bigBody), 413, tooLarge},
		{"body over 1 MiB without length", call{tenant: "t1", key: "k1", contentType: "application/json", body: bigBody, unknownLength: true}, 413, tooLarge},
		{"malformed JSON", put("t1", "k1", `{"id": "u1",`), 400, notJSON},
		{"not JSON", put("t1", "k1", `id=u1`), 400, notJSON},
		{"trailing data", put("t1", "k1", okBody+`{}`), 400, notJSON},
		{"empty body", put("t1", "k1", ``), 400, notJSON},
		{"array body", put("t1", "k1", `[]`), 400, notObject},
		{"string body", put("t1", "k1", `"u1"`), 400, notObject},
		{"null body", put("t1", "k1", `null`), 400, notObject},

		// Schema rules, every failing field listed at once.
		{"empty object", put("t1", "k1", `{}`), 400,
			problemBody(`{"id":["User id is required"],"firstName":["First name is required"],"lastName":["Last name is required"]}`)},
		{"id missing", put("t1", "k1", `{"firstName":"John","lastName":"Doe"}`), 400, problemBody(`{"id":["User id is required"]}`)},
		{"id empty", put("t1", "k1", `{"id":"","firstName":"John","lastName":"Doe"}`), 400, problemBody(`{"id":["User id is required"]}`)},
		{"first name missing", put("t1", "k1", `{"id":"u1","lastName":"Doe"}`), 400, problemBody(`{"firstName":["First name is required"]}`)},
		{"first name empty", put("t1", "k1", `{"id":"u1","firstName":"","lastName":"Doe"}`), 400, problemBody(`{"firstName":["First name is required"]}`)},
		{"last name missing", put("t1", "k1", `{"id":"u1","firstName":"John"}`), 400, problemBody(`{"lastName":["Last name is required"]}`)},
		{"last name empty", put("t1", "k1", `{"id":"u1","firstName":"John","lastName":""}`), 400, problemBody(`{"lastName":["Last name is required"]}`)},
		{"required fields null", put("t1", "k1", `{"id":null,"firstName":null,"lastName":null}`), 400,
			problemBody(`{"id":["User id is required"],"firstName":["First name is required"],"lastName":["Last name is required"]}`)},
		{"page's error example", put("t1", "k1", `{"id":"u1","lastName":"Doe","phoneNumber":"12345"}`), 400,
			problemBody(`{"firstName":["First name is required"],"phoneNumber":["Invalid phone number format"]}`)},
		{"phone without plus", put("t1", "k1", `{"id":"u1","firstName":"J","lastName":"D","phoneNumber":"1234567890"}`), 400,
			problemBody(`{"phoneNumber":["Invalid phone number format"]}`)},
		{"phone with leading zero", put("t1", "k1", `{"id":"u1","firstName":"J","lastName":"D","phoneNumber":"+0123456789"}`), 400,
			problemBody(`{"phoneNumber":["Invalid phone number format"]}`)},
		{"phone with space", put("t1", "k1", `{"id":"u1","firstName":"J","lastName":"D","phoneNumber":"+1 234567890"}`), 400,
			problemBody(`{"phoneNumber":["Invalid phone number format"]}`)},
		{"phone too long", put("t1", "k1", `{"id":"u1","firstName":"J","lastName":"D","phoneNumber":"+1234567890123456"}`), 400,
			problemBody(`{"phoneNumber":["Invalid phone number format"]}`)},
		{"phone empty", put("t1", "k1", `{"id":"u1","firstName":"J","lastName":"D","phoneNumber":""}`), 400,
			problemBody(`{"phoneNumber":["Invalid phone number format"]}`)},
		{"wrong types", put("t1", "k1", `{"id":1,"firstName":true,"lastName":["Doe"],"phoneNumber":1234567890,"pushToken":{"a":1}}`), 400,
			problemBody(`{"id":["User id must be a string"],"firstName":["First name must be a string"],"lastName":["Last name must be a string"],"phoneNumber":["Phone number must be a string"],"pushToken":["Push token must be a string"]}`)},
		{"optional fields null", put("t1", "k1", `{"id":"u1","firstName":"J","lastName":"D","phoneNumber":null,"pushToken":null}`), 400,
			problemBody(`{"phoneNumber":["Phone number must be a string"],"pushToken":["Push token must be a string"]}`)},

		// Validation comes before the user lookup.
		{"invalid body for unknown user", put("t1", "k1", `{"id":"nobody","firstName":""}`), 400,
			problemBody(`{"firstName":["First name is required"],"lastName":["Last name is required"]}`)},

		// The user lookup, within the tenant only.
		{"unknown user", put("t1", "k1", `{"id":"nobody","firstName":"J","lastName":"D"}`), 404, notFound("nobody")},
		{"user of another tenant", put("t1", "k1", `{"id":"u3","firstName":"J","lastName":"D"}`), 404, notFound("u3")},
		{"id case differs", put("t1", "k1", `{"id":"U1","firstName":"J","lastName":"D"}`), 404, notFound("U1")},
		{"id with markup kept verbatim", put("t1", "k1", `{"id":"<a&b>","firstName":"J","lastName":"D"}`), 404, notFound("<a&b>")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, store := newServer(t, world())
			before := store.Export()
			rec := do(e, tt.call)
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			if got, want := decode(t, rec), mustJSON(t, tt.body); !reflect.DeepEqual(got, want) {
				t.Errorf("body = %s\nwant   %s", rec.Body, tt.body)
			}
			if after := store.Export(); !reflect.DeepEqual(before, after) {
				t.Errorf("state changed by a refused request")
			}
		})
	}
}

func TestUpdateAnswersTheWholeUser(t *testing.T) {
	e, store := newServer(t, world())
	rec := do(e, put("t1", "k1", `{"id":"u1","firstName":"Jack","lastName":"Black","phoneNumber":"+447911123456","pushToken":"new_token"}`))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d: %s", rec.Code, rec.Body)
	}
	// Raw bytes: the page's field order, no HTML escaping, no newline, and
	// no pushToken.
	want := `{"id":"u1","userName":"john_doe","firstName":"Jack","lastName":"Black","email":"john.doe@example.com","emailConfirmed":true,"authenticated":true,"authValidUpto":"2024-11-05T19:42:26.587Z","authLocation":"USA","phoneNumber":"+447911123456","walletAddress":"0x123456789ABCDEF"}`
	if rec.Body.String() != want {
		t.Errorf("body = %s\nwant   %s", rec.Body, want)
	}
	if ct := rec.Header().Get(echo.HeaderContentType); ct != jsonresp.ContentType {
		t.Errorf("Content-Type = %q", ct)
	}
	got := userU1(t, store.Export(), "t1")
	if *got.FirstName != "Jack" || *got.LastName != "Black" || *got.PhoneNumber != "+447911123456" || *got.PushToken != "new_token" {
		t.Errorf("stored user = %+v", got)
	}
	// The other tenant's user with the same id is untouched.
	if other := userU1(t, store.Export(), "t2"); *other.FirstName != "Other" {
		t.Errorf("t2's u1 changed: %+v", other)
	}
}

func TestOmittedOptionalFieldsKeepTheirValue(t *testing.T) {
	e, store := newServer(t, world())
	rec := do(e, call{tenant: "t1", key: "k1b", contentType: "application/json; charset=utf-8", body: `{"id":"u1","firstName":"John","lastName":"Smith"}`})
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d: %s", rec.Code, rec.Body)
	}
	got := decode(t, rec)
	if got["phoneNumber"] != "+1234567890" || got["lastName"] != "Smith" {
		t.Errorf("answer = %v", got)
	}
	u := userU1(t, store.Export(), "t1")
	if *u.PhoneNumber != "+1234567890" || *u.PushToken != "old_token" {
		t.Errorf("optional fields changed: %+v", u)
	}
}

func TestMinimalUserAnswersNulls(t *testing.T) {
	e, _ := newServer(t, world())
	rec := do(e, put("t1", "k1", `{"id":"u2","firstName":"Min","lastName":"Imal","pushToken":"tok"}`))
	want := `{"id":"u2","userName":"","firstName":"Min","lastName":"Imal","email":"","emailConfirmed":false,"authenticated":false,"authValidUpto":null,"authLocation":null,"phoneNumber":null,"walletAddress":null}`
	if rec.Code != http.StatusOK || rec.Body.String() != want {
		t.Errorf("got %d %s\nwant %s", rec.Code, rec.Body, want)
	}
}

// Phone numbers are not unique in CL2C: two users may share one.
func TestPhoneNumberMayRepeat(t *testing.T) {
	e, _ := newServer(t, world())
	rec := do(e, put("t1", "k1", `{"id":"u2","firstName":"Min","lastName":"Imal","phoneNumber":"+1234567890"}`))
	if rec.Code != http.StatusOK {
		t.Errorf("status = %d: %s", rec.Code, rec.Body)
	}
}

// An error's raw bytes: the general shape's field order.
func TestErrorBytes(t *testing.T) {
	e, _ := newServer(t, world())
	rec := do(e, put("t1", "k1", `{"id":"nobody","firstName":"J","lastName":"D"}`))
	var body struct{ ErrorId string }
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	want := `{"messages":["User nobody not found."],"source":"API Gateway","exception":"System.Collections.Generic.KeyNotFoundException","errorId":"` + body.ErrorId + `","supportMessage":"Please contact support with this error ID.","statusCode":404}`
	if rec.Body.String() != want {
		t.Errorf("body = %s\nwant   %s", rec.Body, want)
	}

	rec = do(e, put("t1", "k1", `{"id":"u1","lastName":"Doe","phoneNumber":"12345"}`))
	var p struct{ Instance string }
	_ = json.Unmarshal(rec.Body.Bytes(), &p)
	want = `{"type":"https://example.com/error","title":"Invalid Request","status":400,"detail":"The request parameters are incorrect.","instance":"` + p.Instance + `","errors":{"firstName":["First name is required"],"phoneNumber":["Invalid phone number format"]}}`
	if rec.Body.String() != want {
		t.Errorf("body = %s\nwant   %s", rec.Body, want)
	}
}

// Every error gets its own id, and every validation failure its own
// instance, also under concurrency.
func TestIdsAreUnique(t *testing.T) {
	e, _ := newServer(t, world())
	const n = 200
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var rec *httptest.ResponseRecorder
			var field string
			if i%2 == 0 {
				rec, field = do(e, put("t1", "wrong", okBody)), "errorId"
			} else {
				rec, field = do(e, put("t1", "k1", `{}`)), "instance"
			}
			var m map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &m)
			id, _ := m[field].(string)
			mu.Lock()
			defer mu.Unlock()
			if id == "" || seen[id] {
				t.Errorf("%s %q missing or repeated", field, id)
			}
			seen[id] = true
		}()
	}
	wg.Wait()
}

// Concurrent updates of one user leave it in one of the sent states.
func TestConcurrentUpdates(t *testing.T) {
	e, store := newServer(t, world())
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"id":"u1","firstName":"F%d","lastName":"L%d"}`, i, i)
			if rec := do(e, put("t1", "k1", body)); rec.Code != http.StatusOK {
				t.Errorf("status = %d", rec.Code)
			}
		}()
		go func() {
			defer wg.Done()
			_ = store.Export()
			_ = store.Summary()
		}()
	}
	wg.Wait()
	u := userU1(t, store.Export(), "t1")
	if strings.TrimPrefix(*u.FirstName, "F") != strings.TrimPrefix(*u.LastName, "L") {
		t.Errorf("torn update: %s %s", *u.FirstName, *u.LastName)
	}
}

// Problems the validator reports that CL2C's route never produces (Echo
// routes only the documented operation) still get CL2C's general shape.
func TestRenderRoutingProblems(t *testing.T) {
	tests := []struct {
		p    *problem.Problem
		code int
		body string
	}{
		{&problem.Problem{Kind: problem.NotFound, Status: 404, Message: "No operation at /v1/cl2c/x"}, 404,
			defaultError(404, "System.Collections.Generic.KeyNotFoundException", "No operation at /v1/cl2c/x.")},
		{&problem.Problem{Kind: problem.MethodNotAllowed, Status: 405, Message: "Method GET is not allowed on /v1/cl2c/user"}, 405,
			defaultError(405, "System.Exception", "Method GET is not allowed on /v1/cl2c/user.")},
		{&problem.Problem{Kind: problem.Kind(99), Status: 500, Message: "?"}, 500,
			defaultError(500, "System.Exception", "An unexpected error occurred.")},
		{&problem.Problem{Kind: problem.Invalid, Status: 400, Message: "tenant is required",
			Fields: []problem.Field{{In: "header", Field: "tenant", Keyword: "required", Message: "tenant is required"}}}, 400,
			problemBody(`{"tenant":["tenant is required"]}`)},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		c := echo.New().NewContext(httptest.NewRequest(http.MethodPut, "/v1/cl2c/user", nil), rec)
		if err := cl2c.Render(c, tt.p); err != nil {
			t.Fatal(err)
		}
		if rec.Code != tt.code {
			t.Errorf("%v: status = %d, want %d", tt.p.Kind, rec.Code, tt.code)
		}
		if got, want := decode(t, rec), mustJSON(t, tt.body); !reflect.DeepEqual(got, want) {
			t.Errorf("%v: body = %s\nwant   %s", tt.p.Kind, rec.Body, tt.body)
		}
	}
}

// userU1 finds user u1 of tenant, the one the update tests change.
func userU1(t *testing.T, f *mockcontrol.Cl2cFixtures, tenant string) mockcontrol.Cl2cUser {
	t.Helper()
	for _, tn := range f.Tenants {
		if tn.Id != tenant {
			continue
		}
		for _, u := range tn.Users {
			if u.Id == "u1" {
				return u
			}
		}
	}
	t.Fatalf("no user u1 in tenant %s", tenant)
	return mockcontrol.Cl2cUser{}
}
