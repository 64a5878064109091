package mock_test

// Integrity: the mock stores only what validation accepted, refuses what
// a vendor would refuse in that vendor's envelope with the state left as
// it was, and every reachable state reloads.

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// A vendor request and the exact answer it must get.
type refusal struct {
	name, method, path, body string
	header                   []string
	status                   int
	want                     string
}

var (
	care360Key = []string{"cv-api-key", "cv-demo-key"}
	cl2cAuth   = []string{"tenant", "tenant-demo", "X-API-Key", "cl2c-demo-key"}
	r1Auth1    = []string{"Authorization", "Bearer r1-demo-token", "Accept", "application/json"}
)

func profileBody(data string) string {
	return `{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com",` + data + `}}`
}

func emailBody(newEmail string) string {
	return `{"action":"UPDATE_EMAIL","data":{"currentEmail":"john.doe@example.com","newEmail":` + newEmail + `}}`
}

func care360Refused(msg string) string {
	b, _ := json.Marshal(map[string]any{"status": 400, "success": false, "message": msg})
	return string(b)
}

// sameJSON compares two JSON bodies, ignoring the per-request ids CL2C
// puts in instance and errorId.
func sameJSON(t *testing.T, got, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("answer is not JSON: %s", got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("expectation is not JSON: %s", want)
	}
	for _, m := range []any{g, w} {
		if obj, ok := m.(map[string]any); ok {
			delete(obj, "instance")
			delete(obj, "errorId")
		}
	}
	return reflect.DeepEqual(g, w)
}

func TestVendorsRefuseWhatTheyWouldRefuseAndKeepTheState(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	post := http.MethodPost
	put := http.MethodPut
	for _, tt := range []refusal{
		// Care360: values the vendor would refuse, each field named.
		{"empty newEmail", post, "/api/v1/users", emailBody(`""`), care360Key, 400, care360Refused("data.newEmail must be an email address")},
		{"newEmail not an address", post, "/api/v1/users", emailBody(`"not-an-email"`), care360Key, 400, care360Refused("data.newEmail must be an email address")},
		{"newEmail a padded copy of another user's", post, "/api/v1/users", emailBody(`" jane.roe@example.com "`), care360Key, 400, care360Refused("data.newEmail must be an email address")},
		{"newEmail with a display name", post, "/api/v1/users", emailBody(`"Jane <jane.roe2@example.com>"`), care360Key, 400, care360Refused("data.newEmail must be an email address")},
		{"empty currentEmail", post, "/api/v1/users", `{"action":"UPDATE_EMAIL","data":{"currentEmail":"","newEmail":"x@example.com"}}`, care360Key, 400, care360Refused("data.currentEmail must not be empty")},
		{"empty email", post, "/api/v1/users", `{"action":"UPDATE_PROFILE","data":{"email":""}}`, care360Key, 400, care360Refused("data.email must not be empty")},
		{"empty phone number", post, "/api/v1/users", profileBody(`"phoneNumber":""`), care360Key, 400, care360Refused("data.phoneNumber must not be empty")},
		{"30 February", post, "/api/v1/users", profileBody(`"dob":"1995-02-30"`), care360Key, 400, care360Refused("data.dob must be a date in YYYY-MM-DD format")},
		{"29 February of a common year", post, "/api/v1/users", profileBody(`"dob":"2023-02-29"`), care360Key, 400, care360Refused("data.dob must be a date in YYYY-MM-DD format")},
		{"blank first name", post, "/api/v1/users", profileBody(`"firstName":"   "`), care360Key, 400, care360Refused("data.firstName must not be blank")},
		{"empty last name", post, "/api/v1/users", profileBody(`"lastName":""`), care360Key, 400, care360Refused("data.lastName must not be blank")},
		{"null first name", post, "/api/v1/users", profileBody(`"firstName":null`), care360Key, 400, care360Refused("data.firstName must not be null")},
		{"three-letter state", post, "/api/v1/users", profileBody(`"state":"NYC"`), care360Key, 400, care360Refused("data.state must match the pattern ^[A-Za-z]{2}$")},
		// Care360 GET refusals in the get-users page's envelope.
		{"limit 0", http.MethodGet, "/api/v1/users?limit=0", "", care360Key, 400, `{"status":400,"success":false,"error":"limit must be at least 1","code":"VALIDATION_ERROR"}`},
		{"bad cursor", http.MethodGet, "/api/v1/users?after=!!!", "", care360Key, 400, `{"status":400,"success":false,"error":"after is not a valid cursor","code":"VALIDATION_ERROR"}`},
		{"bad sortOrder", http.MethodGet, "/api/v1/users?sortOrder=up", "", care360Key, 400, `{"status":400,"success":false,"error":"sortOrder must be one of asc, desc","code":"VALIDATION_ERROR"}`},
		// Unknown routes under each vendor's paths, in its 404 envelope.
		{"Care360 unknown path, GET", http.MethodGet, "/api/v1/nope", "", care360Key, 404, `{"status":404,"success":false,"error":"No operation at /api/v1/nope","code":"NOT_FOUND"}`},
		{"Care360 unknown path, POST", post, "/api/v1/nope", "{}", care360Key, 404, `{"status":404,"success":false,"message":"No operation at /api/v1/nope"}`},
		{"Care360 path below users", http.MethodGet, "/api/v1/users/123", "", care360Key, 404, `{"status":404,"success":false,"error":"No operation at /api/v1/users/123","code":"NOT_FOUND"}`},
		{"CL2C unknown path", http.MethodGet, "/v1/cl2c/other", "", cl2cAuth, 404, `{"messages":["No operation at /v1/cl2c/other."],"source":"API Gateway","exception":"System.Collections.Generic.KeyNotFoundException","errorId":"","supportMessage":"Please contact support with this error ID.","statusCode":404}`},
		{"CL2C root", put, "/v1/cl2c", "{}", cl2cAuth, 404, `{"messages":["No operation at /v1/cl2c."],"source":"API Gateway","exception":"System.Collections.Generic.KeyNotFoundException","errorId":"","supportMessage":"Please contact support with this error ID.","statusCode":404}`},
		{"R1 Discover unknown path", put, "/api/v1/companies/1/users", "{}", r1Auth1, 404, `{"error":1,"message":"No operation at /api/v1/companies/1/users."}`},
		{"R1 Discover company list", http.MethodGet, "/api/v1/companies", "", r1Auth1, 404, `{"error":1,"message":"No operation at /api/v1/companies."}`},
		// CL2C: a field in another case is refused under its own name;
		// blank names are missing ones, as ASP.NET's Required rule says.
		{"CL2C PhoneNumber", put, "/v1/cl2c/user", `{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","firstName":"John","lastName":"Doe","PhoneNumber":"12-34"}`, cl2cAuth, 400,
			`{"type":"https://example.com/error","title":"Invalid Request","status":400,"detail":"The request parameters are incorrect.","errors":{"PhoneNumber":["PhoneNumber is not a field; the field is spelled phoneNumber"]}}`},
		{"CL2C blank first name", put, "/v1/cl2c/user", `{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","firstName":" \t","lastName":"Doe"}`, cl2cAuth, 400,
			`{"type":"https://example.com/error","title":"Invalid Request","status":400,"detail":"The request parameters are incorrect.","errors":{"firstName":["First name is required"]}}`},
		{"CL2C empty phone number", put, "/v1/cl2c/user", `{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","firstName":"John","lastName":"Doe","phoneNumber":""}`, cl2cAuth, 400,
			`{"type":"https://example.com/error","title":"Invalid Request","status":400,"detail":"The request parameters are incorrect.","errors":{"phoneNumber":["Invalid phone number format"]}}`},
		// R1 Discover: Laravel's order, then its rules.
		{"R1 unknown client before a bad body", put, "/api/v1/companies/1/users/nobody", `{"username":5,"client_email":"x"}`, r1Auth1, 404, `{"error":1,"message":"User nobody not found in company 1."}`},
		{"R1 unknown client before malformed JSON", put, "/api/v1/companies/1/users/nobody", `{`, r1Auth1, 404, `{"error":1,"message":"User nobody not found in company 1."}`},
		{"R1 forbidden before unknown client", put, "/api/v1/companies/2/users/nobody", `{`, r1Auth1, 403, `{"error":1,"message":"This action is unauthorized."}`},
		{"R1 blank username", put, "/api/v1/companies/1/users/abcxyz123456", `{"username":"  "}`, r1Auth1, 422, `{"error":1,"message":"The given data was invalid.","errors":{"username":["The username field must not be empty."]}}`},
		{"R1 padded email", put, "/api/v1/companies/1/users/abcxyz123456", `{"client_email":" client@example.com"}`, r1Auth1, 422, `{"error":1,"message":"The given data was invalid.","errors":{"client_email":["The client email must be a valid email address."]}}`},
		{"R1 bad email with the other rules at once", put, "/api/v1/companies/1/users/abcxyz123456", `{"username":"taken_user","client_email":"nope","client_status":"paused"}`, r1Auth1, 422,
			`{"error":1,"message":"The given data was invalid.","errors":{"username":["The username has already been taken."],"client_email":["The client email must be a valid email address."],"client_status":["The selected client status is invalid."]}}`},
		// Without Accept: application/json the answer is the same JSON.
		{"R1 without Accept", put, "/api/v1/companies/1/users/abcxyz123456", `{"client_status":"paused"}`, []string{"Authorization", "Bearer r1-demo-token"}, 422,
			`{"error":1,"message":"The given data was invalid.","errors":{"client_status":["The selected client status is invalid."]}}`},
		{"R1 asking for HTML", put, "/api/v1/companies/1/users/abcxyz123456", `{"client_status":"paused"}`, []string{"Authorization", "Bearer r1-demo-token", "Accept", "text/html"}, 422,
			`{"error":1,"message":"The given data was invalid.","errors":{"client_status":["The selected client status is invalid."]}}`},
		{"R1 without a token and without Accept", put, "/api/v1/companies/1/users/abcxyz123456", `{}`, nil, 401, `{"error":1,"message":"Unauthenticated."}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := m.State()
			ct := ""
			if tt.body != "" {
				ct = "application/json"
			}
			rec := send(m, tt.method, tt.path, ct, tt.body, tt.header...)
			if rec.Code != tt.status || !sameJSON(t, rec.Body.String(), tt.want) {
				t.Fatalf("got %d %s\nwant %d %s", rec.Code, rec.Body, tt.status, tt.want)
			}
			if !reflect.DeepEqual(before, m.State()) {
				t.Fatal("a refused request changed the state")
			}
		})
	}
}

// Examples of the pages are not rules: values the pages allow are stored.
func TestPageCompatibleValuesAreAccepted(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	rec := send(m, http.MethodPost, "/api/v1/users", "application/json",
		profileBody(`"postalCode":"K1A 0B1","state":"on","country":"ca","dob":"2024-02-29"`), care360Key...)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"dob":"2024-02-29T00:00:00.000Z"`) ||
		!strings.Contains(rec.Body.String(), `"state":"on","country":"ca","postalCode":"K1A 0B1"`) {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	rec = send(m, http.MethodPost, "/api/v1/users", "application/json", emailBody(`"Zoë.Ünïcode@example.com"`), care360Key...)
	if rec.Code != 200 {
		t.Fatalf("a unicode address: %d %s", rec.Code, rec.Body)
	}
	checkStateReloads(t, m)
}

// checkStateReloads: GET → PUT → GET is a fixed point.
func checkStateReloads(t *testing.T, m http.Handler) {
	t.Helper()
	first := send(m, http.MethodGet, "/__mock/state", "", "")
	if put := send(m, http.MethodPut, "/__mock/state", "application/json", first.Body.String()); put.Code != 200 {
		t.Fatalf("the state does not reload: %d %s", put.Code, put.Body)
	}
	if second := send(m, http.MethodGet, "/__mock/state", "", ""); second.Body.String() != first.Body.String() {
		t.Fatalf("GET → PUT → GET changed the state:\n%s\n%s", first.Body, second.Body)
	}
}

// A body with every field name in the wrong case stores nothing it did
// not validate: Care360 and R1 Discover ignore such members, CL2C refuses
// them; either way the state is as before.
func TestWrongCaseFieldsAreNeverStored(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	for _, tt := range []struct {
		name, method, path, body string
		header                   []string
		status                   int
		want                     string
	}{
		{"Care360, every name", http.MethodPost, "/api/v1/users",
			`{"ACTION":"UPDATE_PROFILE","Data":{"EMAIL":"john.doe@example.com","DOB":"garbage"}}`, care360Key, 400, care360Refused("action is required")},
		{"Care360, every data field but the email", http.MethodPost, "/api/v1/users",
			`{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","FirstName":"","LastName":"  ","DOB":"garbage","PhoneNumber":"","Gender":5,"Address":"PO Box 1","Address2":null,"City":"X","STATE":"zzz","Country":"x","PostalCode":"?","Allergies":null,"CurrentMedications":1,"HealthConditions":[],"LanguagePreferences":"en"}}`,
			care360Key, 200, ""},
		{"Care360 email, other case", http.MethodPost, "/api/v1/users",
			`{"action":"UPDATE_EMAIL","data":{"currentEmail":"john.doe@example.com","newEmail":"a@example.com","NewEmail":"not-an-email"}}`, care360Key, 200, ""},
		{"CL2C, every name", http.MethodPut, "/v1/cl2c/user",
			`{"ID":"3fa85f64-5717-4562-b3fc-2c963f66afa6","FirstName":"","LASTNAME":"x","PhoneNumber":"12-34","PushToken":null}`, cl2cAuth, 400,
			`{"type":"https://example.com/error","title":"Invalid Request","status":400,"detail":"The request parameters are incorrect.","errors":{"id":["User id is required"],"firstName":["First name is required"],"lastName":["Last name is required"],` +
				`"ID":["ID is not a field; the field is spelled id"],"FirstName":["FirstName is not a field; the field is spelled firstName"],"LASTNAME":["LASTNAME is not a field; the field is spelled lastName"],` +
				`"PhoneNumber":["PhoneNumber is not a field; the field is spelled phoneNumber"],"PushToken":["PushToken is not a field; the field is spelled pushToken"]}}`},
		{"R1 Discover, every name", http.MethodPut, "/api/v1/companies/1/users/abcxyz123456",
			`{"Username":"","COMPANY_USERNAME":"taken_user","Client_Email":"nope","Client_Location":"x","Client_Program":"x","Client_Practitioner":"x","Client_Status":"paused"}`, r1Auth1, 200, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := m.State()
			rec := send(m, tt.method, tt.path, "application/json", tt.body, tt.header...)
			if rec.Code != tt.status || (tt.want != "" && !sameJSON(t, rec.Body.String(), tt.want)) {
				t.Fatalf("got %d %s\nwant %d %s", rec.Code, rec.Body, tt.status, tt.want)
			}
			after := m.State()
			if tt.name == "Care360 email, other case" {
				// Only the correctly spelled newEmail was applied.
				if !strings.Contains(rec.Body.String(), `"email":"a@example.com"`) {
					t.Fatalf("newEmail not applied: %s", rec.Body)
				}
				send(m, http.MethodPost, "/api/v1/users", "application/json",
					`{"action":"UPDATE_EMAIL","data":{"currentEmail":"a@example.com","newEmail":"john.doe@example.com"}}`, care360Key...)
				after = m.State()
			}
			if !reflect.DeepEqual(before, after) {
				b, _ := json.Marshal(before)
				a, _ := json.Marshal(after)
				t.Fatalf("the state changed:\n%s\n%s", b, a)
			}
			checkStateReloads(t, m)
		})
	}
}

// POST /__mock/state: an entry naming an existing id adds into it, with
// nothing restated, for all three vendors alike.
func TestMergeByIDAloneForEveryVendor(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	rec := send(m, http.MethodPost, "/__mock/state", "application/json", `{
		"care360":{"organizations":[{"id":"org_demo","users":[{"email":"added@example.com","firstName":"Ada"}]}]},
		"cl2c":{"tenants":[{"id":"tenant-demo","users":[{"id":"added-1","firstName":"Ada","lastName":"Added"}]}]},
		"r1discover":{"tokens":[{"token":"r1-other-token","companies":[1]}],
		              "companies":[{"id":1,"users":[{"clientId":"added123","username":"ada_added"}]}]}}`)
	if rec.Code != 200 {
		t.Fatalf("merge: %d %s", rec.Code, rec.Body)
	}
	if rec := send(m, http.MethodGet, "/api/v1/users?email=added", "", "", care360Key...); rec.Code != 200 ||
		!strings.Contains(rec.Body.String(), `"email":"added@example.com","firstName":"Ada"`) {
		t.Fatalf("Care360 user not added to org_demo: %d %s", rec.Code, rec.Body)
	}
	if rec := send(m, http.MethodPut, "/v1/cl2c/user", "application/json", `{"id":"added-1","firstName":"Ada","lastName":"Lovelace"}`, cl2cAuth...); rec.Code != 200 {
		t.Fatalf("CL2C user not added to tenant-demo: %d %s", rec.Code, rec.Body)
	}
	// The other token now manages company 1 as well.
	if rec := send(m, http.MethodPut, "/api/v1/companies/1/users/added123", "application/json", `{"client_status":"active"}`,
		"Authorization", "Bearer r1-other-token", "Accept", "application/json"); rec.Code != 200 {
		t.Fatalf("R1 user or token reach not added: %d %s", rec.Code, rec.Body)
	}
	state := m.State()
	if o := state.Care360.Organizations[0]; o.Name != "Demo Clinic" || !reflect.DeepEqual(o.ApiKeys, []string{"cv-demo-key"}) {
		t.Errorf("org_demo's name and keys changed: %q %q", o.Name, o.ApiKeys)
	}
	if ten := state.Cl2c.Tenants[0]; !reflect.DeepEqual(ten.ApiKeys, []string{"cl2c-demo-key"}) {
		t.Errorf("tenant-demo's keys changed: %q", ten.ApiKeys)
	}
	checkStateReloads(t, m)
	// A new organization still needs its name.
	rec = send(m, http.MethodPost, "/__mock/state", "application/json", `{"care360":{"organizations":[{"id":"org_new"}]}}`)
	if rec.Code != 400 || rec.Body.String() != `{"errors":["care360.organizations[2].name is required for a new organization"]}` {
		t.Fatalf("nameless new organization: %d %s", rec.Code, rec.Body)
	}
}

// A rejected document lists its schema and its domain problems in one
// answer; a merge counts the state it would join.
func TestRejectedDocumentListsSchemaAndDomainProblemsTogether(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	before := m.State()
	doc := `
care360:
  organizations:
    - name: A
      apiKeys: [k1]
      colour: blue
      users:
        - {email: a@example.com, phoneNumber: "+1", dob: "1995-02-30"}
        - {email: A@example.com, phoneNumber: "+1"}
r1discover:
  tokens: [{token: t, companies: [7]}]
`
	rec := send(m, http.MethodPut, "/__mock/state", "application/yaml", doc)
	want := `{"errors":["care360.organizations[0]: property \"colour\" is unsupported","care360.organizations[0].users[0].dob must be a date in YYYY-MM-DD format",` +
		`"care360.organizations[0].users[1].email: duplicate email A@example.com","care360.organizations[0].users[1].phoneNumber: duplicate phone number +1",` +
		`"r1discover.tokens[0].companies[0]: unknown company 7"]}`
	if rec.Code != 400 || rec.Body.String() != want {
		t.Fatalf("PUT: got %d %s\nwant %s", rec.Code, rec.Body, want)
	}
	// The same body added to the default world also clashes with it.
	rec = send(m, http.MethodPost, "/__mock/state", "application/json",
		`{"care360":{"organizations":[{"id":"org_demo","colour":"blue","users":[{"email":"JANE.ROE@example.com","phoneNumber":""}]}]}}`)
	want = `{"errors":["care360.organizations[0]: property \"colour\" is unsupported","care360.organizations[0].users[0].phoneNumber must not be empty",` +
		`"care360.organizations[0].users[6].email: duplicate email JANE.ROE@example.com"]}`
	if rec.Code != 400 || rec.Body.String() != want {
		t.Fatalf("POST: got %d %s\nwant %s", rec.Code, rec.Body, want)
	}
	if !reflect.DeepEqual(before, m.State()) {
		t.Fatal("a rejected document changed the state")
	}
}

// An empty document is an error, never an empty world; {} asks for one.
func TestEmptyDocumentIsAnError(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	before := m.State()
	const empty = `{"errors":["the document is empty; send {} for a world without accounts"]}`
	for _, tt := range []struct{ method, path, contentType, body string }{
		{http.MethodPut, "/__mock/state", "application/json", ""},
		{http.MethodPut, "/__mock/state", "application/yaml", "  \n"},
		{http.MethodPut, "/__mock/state", "application/yaml", "# nothing here\n---\n"},
		{http.MethodPost, "/__mock/state", "application/json", ""},
		{http.MethodPut, "/__mock/sessions/qa/state", "application/json", ""},
	} {
		if rec := send(m, tt.method, tt.path, tt.contentType, tt.body); rec.Code != 400 || rec.Body.String() != empty {
			t.Errorf("%s %s %q: got %d %s", tt.method, tt.path, tt.body, rec.Code, rec.Body)
		}
	}
	if !reflect.DeepEqual(before, m.State()) {
		t.Fatal("an empty document changed the state")
	}
	if rec := send(m, http.MethodPut, "/__mock/state", "application/json", "{}"); rec.Code != 200 ||
		rec.Body.String() != `{"care360":{"organizations":0,"users":0,"authIdentities":0},"cl2c":{"tenants":0,"users":0},"r1discover":{"companies":0,"users":0,"tokens":0}}` {
		t.Fatalf("{}: %d %s", rec.Code, rec.Body)
	}
}
