package r1discover_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/jsonresp"
	"github.com/vendorsuite/contracts/mock/problem"
	"github.com/vendorsuite/contracts/mock/r1discover"
)

func sp(s string) *string { return &s }

func r1user(clientID, username, companyUsername, email, location, program, practitioner, status string) mockcontrol.R1User {
	return mockcontrol.R1User{
		ClientId: clientID, Username: sp(username), CompanyUsername: sp(companyUsername), Email: sp(email),
		Location: sp(location), Program: sp(program), Practitioner: sp(practitioner), Status: sp(status),
	}
}

// world is the test fixture: company 1 with the page's user and one whose
// values others try to take, company 2 with a user whose company username
// repeats one of company 1, company 3 that no token manages, and tokens
// for 1, for 2, and for both.
func world() *mockcontrol.R1DiscoverFixtures {
	return &mockcontrol.R1DiscoverFixtures{
		Tokens: []mockcontrol.R1Token{
			{Token: "tok1", Companies: []int{1}},
			{Token: "tok2", Companies: []int{2}},
			{Token: "tok12", Companies: []int{1, 2}},
		},
		Companies: []mockcontrol.R1Company{
			{
				Id: 1, Name: sp("Demo Recovery"),
				Locations:     []string{"Bend Treatment Center", "Grants Pass Treatment Center", "Devon"},
				Programs:      []string{"General", "PHP", "MSR"},
				Practitioners: []string{"practitioner@example.com", "Second.Practitioner@Example.com"},
				Users: []mockcontrol.R1User{
					r1user("abcxyz123456", "xyz123", "xyz123", "client@example.com", "Bend Treatment Center", "General", "practitioner@example.com", "active"),
					r1user("taken123456", "taken_user", "taken_user", "taken@example.com", "Devon", "PHP", "practitioner@example.com", "inactive"),
					{ClientId: "bare"},
				},
			},
			{
				Id: 2, Name: sp("Other Recovery"),
				Locations: []string{"Salem"}, Programs: []string{"General"}, Practitioners: []string{"counselor@example.org"},
				Users: []mockcontrol.R1User{
					r1user("other123456", "other_user", "shared_name", "other@example.org", "Salem", "General", "counselor@example.org", "active"),
				},
			},
			{Id: 3, Name: sp("Unmanaged")},
		},
	}
}

func newServer(t testing.TB, f *mockcontrol.R1DiscoverFixtures) (*echo.Echo, *r1discover.Store) {
	t.Helper()
	store, problems := r1discover.Build(f)
	if len(problems) > 0 {
		t.Fatalf("fixtures: %v", problems)
	}
	e := echo.New()
	if err := r1discover.Register(e, nil, func(echo.Context) *r1discover.Store { return store }, 1<<20); err != nil {
		t.Fatal(err)
	}
	return e, store
}

// call is one request; empty header values are not sent.
type call struct {
	path, auth, contentType, body string
	unknownLength                 bool // send the body without Content-Length
}

func put(path, token, body string) call {
	return call{path: path, auth: "Bearer " + token, contentType: "application/json", body: body}
}

const page1 = "/api/v1/companies/1/users/abcxyz123456"

func do(e *echo.Echo, c call) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPut, c.path, strings.NewReader(c.body))
	if c.unknownLength {
		req.ContentLength = -1
	}
	if c.auth != "" {
		req.Header.Set(echo.HeaderAuthorization, c.auth)
	}
	if c.contentType != "" {
		req.Header.Set(echo.HeaderContentType, c.contentType)
	}
	req.Header.Set(echo.HeaderAccept, "application/json")
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) any {
	t.Helper()
	if ct := rec.Header().Get(echo.HeaderContentType); ct != jsonresp.ContentType {
		t.Errorf("Content-Type = %q", ct)
	}
	var v any
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
	}
	return v
}

func mustJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad expectation %s: %v", s, err)
	}
	return v
}

func errBody(message string) string {
	m, _ := json.Marshal(message)
	return `{"error":1,"message":` + string(m) + `}`
}

func invalid(errs string) string {
	return `{"error":1,"message":"The given data was invalid.","errors":` + errs + `}`
}

var (
	unauthenticated = errBody("Unauthenticated.")
	forbidden       = errBody("This action is unauthorized.")
	notJSON         = errBody("The request body is not valid JSON.")
	mediaType       = errBody("Content-Type must be application/json.")
	tooLarge        = errBody("The request body exceeds the 1 MiB limit.")
)

const workingBody = `{"username":"xyz123","company_username":"xyz123","client_email":"client@example.com","client_location":"Bend Treatment Center","client_program":"General","client_practitioner":"practitioner@example.com","client_status":"active"}`

// The page's curl body: values listing the choices in one string and
// obfuscated email addresses (with a no-break space).
const pageBody = `{
    "username": "xyz123",
    "company_username": "xyz123",
    "client_email": "[email` + "\u00a0" + `protected]",
    "client_location": "\"Bend Treatment Center\", \"Grants Pass Treatment Center\", \"Devon\", \"etc..\"",
    "client_program": "\"General\", \"PHP\", \"MSR\", \"etc..\"",
    "client_practitioner": "[email` + "\u00a0" + `protected]",
    "client_status": "\"active\", \"inactive\""
}`

// bigBody is valid JSON just over 1 MiB, so only its size is wrong.
var bigBody = `{"username":"` + strings.Repeat("x", 1<<20) + `"}`

// Every refused request: exact status and body, and the state unchanged.
func TestRefusals(t *testing.T) {
	tests := []struct {
		name   string
		call   call
		status int
		body   string
	}{
		// 1. The token, before anything else.
		{"no Authorization", call{path: page1, contentType: "application/json", body: workingBody}, 401, unauthenticated},
		{"unknown token", put(page1, "nope", workingBody), 401, unauthenticated},
		{"empty bearer", call{path: page1, auth: "Bearer ", contentType: "application/json", body: workingBody}, 401, unauthenticated},
		{"bare token without scheme", call{path: page1, auth: "tok1", contentType: "application/json", body: workingBody}, 401, unauthenticated},
		{"basic scheme", call{path: page1, auth: "Basic tok1", contentType: "application/json", body: workingBody}, 401, unauthenticated},
		{"token case differs", put(page1, "TOK1", workingBody), 401, unauthenticated},
		{"unknown token before unknown company", put("/api/v1/companies/99/users/x", "nope", workingBody), 401, unauthenticated},
		{"unknown token before non-integer company", put("/api/v1/companies/abc/users/x", "nope", workingBody), 401, unauthenticated},
		{"unknown token before malformed JSON", put(page1, "nope", `{`), 401, unauthenticated},

		// 2. The company.
		{"unknown company", put("/api/v1/companies/99/users/abcxyz123456", "tok1", workingBody), 404, errBody("Company 99 not found.")},
		{"non-integer company", put("/api/v1/companies/abc/users/abcxyz123456", "tok1", workingBody), 404, errBody("Company abc not found.")},
		{"fractional company", put("/api/v1/companies/1.5/users/abcxyz123456", "tok1", workingBody), 404, errBody("Company 1.5 not found.")},
		{"negative company", put("/api/v1/companies/-1/users/abcxyz123456", "tok1", workingBody), 404, errBody("Company -1 not found.")},
		{"company beyond int", put("/api/v1/companies/99999999999999999999/users/abcxyz123456", "tok1", workingBody), 404, errBody("Company 99999999999999999999 not found.")},
		{"escaped company", put("/api/v1/companies/a%20b/users/abcxyz123456", "tok1", workingBody), 404, errBody("Company a b not found.")},
		{"escaped digits", put("/api/v1/companies/%31/users/abcxyz123456", "tok1", workingBody), 404, errBody("Company %31 not found.")},
		{"signed company", put("/api/v1/companies/+1/users/abcxyz123456", "tok1", workingBody), 404, errBody("Company +1 not found.")},
		{"hex company", put("/api/v1/companies/0x1/users/abcxyz123456", "tok1", workingBody), 404, errBody("Company 0x1 not found.")},
		{"unknown company before forbidden", put("/api/v1/companies/99/users/x", "tok2", workingBody), 404, errBody("Company 99 not found.")},
		{"unknown company before malformed JSON", put("/api/v1/companies/99/users/x", "tok1", `{`), 404, errBody("Company 99 not found.")},

		// 3. The token's reach.
		{"company of another token", put(page1, "tok2", workingBody), 403, forbidden},
		{"company no token manages", put("/api/v1/companies/3/users/x", "tok12", workingBody), 403, forbidden},
		{"forbidden before malformed JSON", put(page1, "tok2", `{`), 403, forbidden},
		{"forbidden before unknown user", put("/api/v1/companies/1/users/nobody", "tok2", workingBody), 403, forbidden},

		// 4. The body.
		{"no content type", call{path: page1, auth: "Bearer tok1", body: workingBody}, 415, mediaType},
		{"text/plain", call{path: page1, auth: "Bearer tok1", contentType: "text/plain", body: workingBody}, 415, mediaType},
		{"body over 1 MiB", put(page1, "tok1", bigBody), 413, tooLarge},
		{"body over 1 MiB without length", call{path: page1, auth: "Bearer tok1", contentType: "application/json", body: bigBody, unknownLength: true}, 413, tooLarge},
		{"malformed JSON", put(page1, "tok1", `{"username":`), 400, notJSON},
		{"not JSON", put(page1, "tok1", `username=x`), 400, notJSON},
		{"trailing data", put(page1, "tok1", `{}{}`), 400, notJSON},
		{"empty body", put(page1, "tok1", ``), 400, notJSON},
		{"array body", put(page1, "tok1", `[]`), 422, invalid(`{"body":["The request body must be a JSON object."]}`)},
		{"null body", put(page1, "tok1", `null`), 422, invalid(`{"body":["The request body must be a JSON object."]}`)},
		{"wrong type", put(page1, "tok1", `{"username":123}`), 422, invalid(`{"username":["The username must be a string."]}`)},
		{"every field of the wrong type", put(page1, "tok1", `{"username":1,"company_username":true,"client_email":[],"client_location":{},"client_program":2.5,"client_practitioner":false,"client_status":null}`), 422,
			invalid(`{"username":["The username must be a string."],"company_username":["The company username must be a string."],"client_email":["The client email must be a string."],"client_location":["The client location must be a string."],"client_program":["The client program must be a string."],"client_practitioner":["The client practitioner must be a string."],"client_status":["The client status must be a string."]}`)},
		{"unknown user before malformed JSON", put("/api/v1/companies/1/users/nobody", "tok1", `{`), 404, errBody("User nobody not found in company 1.")},
		{"unknown user before a wrong type", put("/api/v1/companies/1/users/nobody", "tok1", `{"username":123}`), 404, errBody("User nobody not found in company 1.")},
		{"unknown user before a wrong content type", put("/api/v1/companies/1/users/nobody", "tok1", ``), 404, errBody("User nobody not found in company 1.")},

		// 5. The user, within the company only.
		{"unknown user", put("/api/v1/companies/1/users/nobody", "tok1", workingBody), 404, errBody("User nobody not found in company 1.")},
		{"user of another company", put("/api/v1/companies/1/users/other123456", "tok12", `{}`), 404, errBody("User other123456 not found in company 1.")},
		{"client id case differs", put("/api/v1/companies/1/users/ABCXYZ123456", "tok1", `{}`), 404, errBody("User ABCXYZ123456 not found in company 1.")},
		{"escaped client id", put("/api/v1/companies/1/users/no%20body", "tok1", `{}`), 404, errBody("User no body not found in company 1.")},
		{"company id as sent", put("/api/v1/companies/01/users/nobody", "tok1", `{}`), 404, errBody("User nobody not found in company 01.")},
		{"unknown user before rules", put("/api/v1/companies/1/users/nobody", "tok1", `{"username":"taken_user","client_status":"gone"}`), 404, errBody("User nobody not found in company 1.")},

		// 6. The rules, every failing field at once.
		{"username taken", put(page1, "tok1", `{"username":"taken_user"}`), 422, invalid(`{"username":["The username has already been taken."]}`)},
		{"username taken, other case", put(page1, "tok1", `{"username":"TAKEN_User"}`), 422, invalid(`{"username":["The username has already been taken."]}`)},
		{"username taken in another company", put(page1, "tok1", `{"username":"Other_User"}`), 422, invalid(`{"username":["The username has already been taken."]}`)},
		{"company username taken", put(page1, "tok1", `{"company_username":"Taken_User"}`), 422, invalid(`{"company_username":["The company username has already been taken."]}`)},
		{"email taken", put(page1, "tok1", `{"client_email":"TAKEN@example.com"}`), 422, invalid(`{"client_email":["The client email has already been taken."]}`)},
		{"email taken in another company", put(page1, "tok1", `{"client_email":"other@example.org"}`), 422, invalid(`{"client_email":["The client email has already been taken."]}`)},
		{"email without at", put(page1, "tok1", `{"client_email":"client.example.com"}`), 422, invalid(`{"client_email":["The client email must be a valid email address."]}`)},
		{"email with display name", put(page1, "tok1", `{"client_email":"Client <new@example.com>"}`), 422, invalid(`{"client_email":["The client email must be a valid email address."]}`)},
		{"email with spaces", put(page1, "tok1", `{"client_email":" new@example.com"}`), 422, invalid(`{"client_email":["The client email must be a valid email address."]}`)},
		{"email without domain", put(page1, "tok1", `{"client_email":"new@"}`), 422, invalid(`{"client_email":["The client email must be a valid email address."]}`)},
		{"email of the page", put(page1, "tok1", `{"client_email":"[email`+"\u00a0"+`protected]"}`), 422, invalid(`{"client_email":["The client email must be a valid email address."]}`)},
		{"empty username", put(page1, "tok1", `{"username":""}`), 422, invalid(`{"username":["The username field must not be empty."]}`)},
		{"empty company username", put(page1, "tok1", `{"company_username":""}`), 422, invalid(`{"company_username":["The company username field must not be empty."]}`)},
		{"empty email", put(page1, "tok1", `{"client_email":""}`), 422, invalid(`{"client_email":["The client email field must not be empty."]}`)},
		{"location of another company", put(page1, "tok1", `{"client_location":"Salem"}`), 422, invalid(`{"client_location":["The selected client location is invalid."]}`)},
		{"location case differs", put(page1, "tok1", `{"client_location":"devon"}`), 422, invalid(`{"client_location":["The selected client location is invalid."]}`)},
		{"empty location", put(page1, "tok1", `{"client_location":""}`), 422, invalid(`{"client_location":["The selected client location is invalid."]}`)},
		{"unknown program", put(page1, "tok1", `{"client_program":"Yoga"}`), 422, invalid(`{"client_program":["The selected client program is invalid."]}`)},
		{"unknown practitioner", put(page1, "tok1", `{"client_practitioner":"counselor@example.org"}`), 422, invalid(`{"client_practitioner":["The selected client practitioner is invalid."]}`)},
		{"unknown status", put(page1, "tok1", `{"client_status":"Active"}`), 422, invalid(`{"client_status":["The selected client status is invalid."]}`)},
		{"the page's own example", put(page1, "tok1", pageBody), 422,
			invalid(`{"client_email":["The client email must be a valid email address."],"client_location":["The selected client location is invalid."],"client_program":["The selected client program is invalid."],"client_practitioner":["The selected client practitioner is invalid."],"client_status":["The selected client status is invalid."]}`)},
		{"every rule at once", put(page1, "tok1", `{"username":"taken_user","company_username":"taken_user","client_email":"taken@example.com","client_location":"x","client_program":"x","client_practitioner":"x","client_status":"x"}`), 422,
			invalid(`{"username":["The username has already been taken."],"company_username":["The company username has already been taken."],"client_email":["The client email has already been taken."],"client_location":["The selected client location is invalid."],"client_program":["The selected client program is invalid."],"client_practitioner":["The selected client practitioner is invalid."],"client_status":["The selected client status is invalid."]}`)},
		{"valid fields do not hide invalid ones", put(page1, "tok1", `{"username":"fresh","client_status":"gone"}`), 422, invalid(`{"client_status":["The selected client status is invalid."]}`)},
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

func TestUpdate(t *testing.T) {
	tests := []struct {
		name, path, token, body, want string
		check                         func(t *testing.T, u mockcontrol.R1User)
	}{
		{"the working example, values unchanged", page1, "tok1", workingBody,
			`{"error":0,"message":"User updated successfully","data":{"username":"xyz123","email":"client@example.com"}}`, nil},
		{"empty body object changes nothing", page1, "tok1", `{}`,
			`{"error":0,"message":"User updated successfully","data":{"username":"xyz123","email":"client@example.com"}}`, nil},
		{"every field", page1, "tok1", `{"username":"new_name","company_username":"new_cu","client_email":"New@Example.com","client_location":"Devon","client_program":"MSR","client_practitioner":"SECOND.practitioner@example.com","client_status":"inactive"}`,
			`{"error":0,"message":"User updated successfully","data":{"username":"new_name","email":"New@Example.com"}}`,
			func(t *testing.T, u mockcontrol.R1User) {
				want := r1user("abcxyz123456", "new_name", "new_cu", "New@Example.com", "Devon", "MSR", "SECOND.practitioner@example.com", "inactive")
				if !reflect.DeepEqual(u, want) {
					t.Errorf("stored %s\nwant   %s", js(u), js(want))
				}
			}},
		{"own values in another case", page1, "tok1", `{"username":"XYZ123","company_username":"Xyz123","client_email":"CLIENT@example.com"}`,
			`{"error":0,"message":"User updated successfully","data":{"username":"XYZ123","email":"CLIENT@example.com"}}`, nil},
		{"company username of another company", page1, "tok12", `{"company_username":"shared_name"}`,
			`{"error":0,"message":"User updated successfully","data":{"username":"xyz123","email":"client@example.com"}}`,
			func(t *testing.T, u mockcontrol.R1User) {
				if *u.CompanyUsername != "shared_name" || *u.Location != "Bend Treatment Center" {
					t.Errorf("stored %s", js(u))
				}
			}},
		{"email on a host without dot", page1, "tok1", `{"client_email":"client@localhost"}`,
			`{"error":0,"message":"User updated successfully","data":{"username":"xyz123","email":"client@localhost"}}`, nil},
		{"user without username or email", "/api/v1/companies/1/users/bare", "tok1", `{"client_status":"active"}`,
			`{"error":0,"message":"User updated successfully","data":{"username":"","email":""}}`, nil},
		{"lower-case scheme, escaped markup kept", "/api/v1/companies/1/users/bare", "tok1", `{"username":"<b>&co"}`,
			`{"error":0,"message":"User updated successfully","data":{"username":"<b>&co","email":""}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, store := newServer(t, world())
			c := put(tt.path, tt.token, tt.body)
			if strings.HasPrefix(tt.name, "lower-case") {
				c.auth = "bearer " + tt.token
			}
			rec := do(e, c)
			// Raw bytes: the page's field order, no HTML escaping, no
			// trailing newline.
			if rec.Code != http.StatusOK || rec.Body.String() != tt.want {
				t.Fatalf("got %d %s\nwant   %s", rec.Code, rec.Body, tt.want)
			}
			decode(t, rec)
			if tt.check != nil {
				tt.check(t, findUser(t, store.Export(), 1, "abcxyz123456"))
			}
		})
	}
}

// An update moves the unique values: the old ones are free for others, the
// new ones are taken.
func TestUniqueValuesMove(t *testing.T) {
	e, _ := newServer(t, world())
	steps := []struct {
		path, body string
		status     int
	}{
		{page1, `{"username":"moved","company_username":"moved_cu","client_email":"moved@example.com"}`, 200},
		{"/api/v1/companies/1/users/taken123456", `{"username":"XYZ123","company_username":"xyz123","client_email":"client@EXAMPLE.com"}`, 200},
		{"/api/v1/companies/1/users/taken123456", `{"username":"Moved"}`, 422},
		{"/api/v1/companies/1/users/taken123456", `{"company_username":"MOVED_CU"}`, 422},
		{"/api/v1/companies/2/users/other123456", `{"client_email":"Moved@example.com"}`, 422},
		{"/api/v1/companies/2/users/other123456", `{"company_username":"moved_cu"}`, 200},
	}
	for i, s := range steps {
		if rec := do(e, put(s.path, "tok12", s.body)); rec.Code != s.status {
			t.Fatalf("step %d: %d %s", i, rec.Code, rec.Body)
		}
	}
}

// Error bodies' raw bytes: error, message, errors in that order.
func TestErrorBytes(t *testing.T) {
	e, _ := newServer(t, world())
	for _, tt := range []struct {
		call call
		want string
	}{
		{put(page1, "tok1", `{"client_status":"x","username":"taken_user"}`),
			`{"error":1,"message":"The given data was invalid.","errors":{"client_status":["The selected client status is invalid."],"username":["The username has already been taken."]}}`},
		{put("/api/v1/companies/7/users/x", "tok1", `{}`), `{"error":1,"message":"Company 7 not found."}`},
	} {
		if rec := do(e, tt.call); rec.Body.String() != tt.want {
			t.Errorf("body = %s\nwant   %s", rec.Body, tt.want)
		}
	}
}

// Concurrent requests racing for one username: exactly one wins.
func TestConcurrentUpdates(t *testing.T) {
	e, store := newServer(t, world())
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for _, path := range []string{page1, "/api/v1/companies/1/users/taken123456", "/api/v1/companies/1/users/bare", "/api/v1/companies/2/users/other123456"} {
		for range 10 {
			wg.Add(2)
			go func() {
				defer wg.Done()
				rec := do(e, put(path, "tok12", `{"username":"contested"}`))
				mu.Lock()
				defer mu.Unlock()
				switch rec.Code {
				case http.StatusOK:
					if !strings.Contains(rec.Body.String(), `"username":"contested"`) {
						t.Errorf("body %s", rec.Body)
					}
				case http.StatusUnprocessableEntity:
					return
				default:
					t.Errorf("status %d", rec.Code)
				}
				wins++
			}()
			go func() {
				defer wg.Done()
				_ = store.Export()
				_ = store.Summary()
			}()
		}
	}
	wg.Wait()
	// The winner may repeat its own update; nobody else may get the name.
	owners := 0
	for _, c := range store.Export().Companies {
		for _, u := range c.Users {
			if u.Username != nil && *u.Username == "contested" {
				owners++
			}
		}
	}
	if owners != 1 || wins < 1 {
		t.Errorf("owners = %d, wins = %d", owners, wins)
	}
}

// Problems the validator reports that R1's route never produces still get
// the envelope.
func TestRenderRoutingProblems(t *testing.T) {
	tests := []struct {
		p    *problem.Problem
		code int
		body string
	}{
		{&problem.Problem{Kind: problem.NotFound, Status: 404, Message: "No operation at /x"}, 404, errBody("No operation at /x.")},
		{&problem.Problem{Kind: problem.MethodNotAllowed, Status: 405, Message: "Method GET is not allowed on /x"}, 405, errBody("Method GET is not allowed on /x.")},
		{&problem.Problem{Kind: problem.Kind(99), Status: 500}, 500, errBody("Server Error.")},
		{&problem.Problem{Kind: problem.Invalid, Status: 400, Message: "clientId is invalid",
			Fields: []problem.Field{{In: "path", Field: "clientId", Keyword: "pattern", Message: "clientId must match the pattern x"}}}, 422,
			invalid(`{"clientId":["clientId must match the pattern x."]}`)},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		c := echo.New().NewContext(httptest.NewRequest(http.MethodPut, "/x", nil), rec)
		if err := r1discover.Render(c, tt.p); err != nil {
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

func findUser(t *testing.T, f *mockcontrol.R1DiscoverFixtures, company int, clientID string) mockcontrol.R1User {
	t.Helper()
	for _, c := range f.Companies {
		if c.Id != company {
			continue
		}
		for _, u := range c.Users {
			if u.ClientId == clientID {
				return u
			}
		}
	}
	t.Fatalf("no user %s in company %d", clientID, company)
	return mockcontrol.R1User{}
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
