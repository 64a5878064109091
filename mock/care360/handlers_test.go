package care360_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/care360"
	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/openapi/pageexamples"
)

// newServer serves the Care360 routes over a store built from f (the
// embedded default fixtures when nil).
func newServer(t testing.TB, f *mockcontrol.Care360Fixtures) (*echo.Echo, *care360.Store) {
	t.Helper()
	if f == nil {
		f = fixtures.Default().Care360
	}
	store, problems := care360.Build(f)
	if len(problems) > 0 {
		t.Fatalf("fixtures: %v", problems)
	}
	e := echo.New()
	if err := care360.Register(e, nil, func(echo.Context) *care360.Store { return store }, 1<<20); err != nil {
		t.Fatal(err)
	}
	return e, store
}

type call struct {
	method, target, key, contentType, body string
}

func do(e *echo.Echo, c call) *httptest.ResponseRecorder {
	var req *http.Request
	if c.body != "" {
		req = httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
	} else {
		req = httptest.NewRequest(c.method, c.target, nil)
	}
	if c.key != "" {
		req.Header.Set(care360.APIKeyHeader, c.key)
	}
	if c.contentType != "" {
		req.Header.Set(echo.HeaderContentType, c.contentType)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

const demoKey = "cv-demo-key"

func post(body string) call {
	return call{method: http.MethodPost, target: "/api/v1/users", key: demoKey, contentType: "application/json", body: body}
}

func profile(data string) call {
	return post(`{"action":"UPDATE_PROFILE","data":` + data + `}`)
}

func email(current, next string) call {
	return post(`{"action":"UPDATE_EMAIL","data":{"currentEmail":"` + current + `","newEmail":"` + next + `"}}`)
}

// errBody is Care360's error envelope, in the page's field order.
func errBody(status int, message string) string {
	msg, _ := json.Marshal(message)
	return fmt.Sprintf(`{"status":%d,"success":false,"message":%s}`, status, msg)
}

const missingKey = `{"status":400,"success":false,"error":"Missing cv-api-key header","code":"CASE_ERROR"}`

func TestUpdateRules(t *testing.T) {
	tests := []struct {
		name   string
		call   call
		status int
		body   string
	}{
		{"profile page example succeeds", post(pageexamples.Care360ProfileBody), 200,
			`{"status":200,"success":true,"message":"Profile updated successfully","data":{"user":{"email":"john.doe@example.com","firstName":"John","lastName":"Doe","dob":"1995-10-01T00:00:00.000Z","phoneNumber":"+11111111111","gender":"MALE","address":"123 ABC street","address2":"Apt 2","city":"NYC","state":"NY","country":"US","postalCode":"01010","allergies":"Peanuts, Shellfish","currentMedications":"Aspirin, Metformin","healthConditions":"Diabetes, Hypertension","languagePreferences":["en","es","fr"]}}}`},
		{"profile page curl example is malformed JSON", post(pageexamples.Care360ProfileCurlBody), 400,
			errBody(400, `The request body is not valid JSON: invalid character '"' after object key:value pair`)},
		{"email page example succeeds", email("john.doe@carevalidate.com", "doe.john@carevalidate.com"), 200,
			`{"status":200,"success":true,"message":"Email updated successfully","data":{"user":{"email":"doe.john@carevalidate.com","firstName":"John","lastName":"Doe","dob":"2000-10-01","phoneNumber":"+12222222222","gender":"MALE","address":"1 ABC St","address2":"Apt 3","city":"NYC","state":"NY","country":"US","postalCode":"10101"}}}`},

		{"profile: user does not exist", profile(`{"email":"Nobody@Example.com"}`), 400, errBody(400, "User Nobody@Example.com does not exist")},
		{"profile: user of another organization", profile(`{"email":"other.user@example.com"}`), 400, errBody(400, "User other.user@example.com does not exist in the organization")},
		{"profile: role is not USER", profile(`{"email":"provider@example.com","city":"Boston"}`), 400, errBody(400, "Not allowed to update the profile")},
		{"profile: locked demographic field changed", profile(`{"email":"locked.user@example.com","firstName":"Lenna"}`), 400, errBody(400, "Cannot update user profile fields (firstName, lastName, dob, gender) for user with cases")},
		{"profile: locked dob changed", profile(`{"email":"locked.user@example.com","dob":"1988-04-13"}`), 400, errBody(400, "Cannot update user profile fields (firstName, lastName, dob, gender) for user with cases")},
		{"profile: locked gender changed", profile(`{"email":"locked.user@example.com","gender":"MALE"}`), 400, errBody(400, "Cannot update user profile fields (firstName, lastName, dob, gender) for user with cases")},
		{"profile: phone number of another user", profile(`{"email":"john.doe@example.com","phoneNumber":"+15550000001"}`), 400, errBody(400, "Unable to use this phone number. Please use a different one")},
		{"profile: phone number of a user in another organization", profile(`{"email":"john.doe@example.com","phoneNumber":"+14444444444"}`), 400, errBody(400, "Unable to use this phone number. Please use a different one")},
		{"profile: PO Box address", profile(`{"email":"john.doe@example.com","address":"P.O. Box 12"}`), 400, errBody(400, "Address must not be a PO Box address")},
		{"profile: Post Office Box address", profile(`{"email":"john.doe@example.com","address":"post office box 9"}`), 400, errBody(400, "Address must not be a PO Box address")},

		{"email: user does not exist", email("nobody@example.com", "x@example.com"), 400, errBody(400, "User nobody@example.com does not exist")},
		{"email: user of another organization", email("other.user@example.com", "x@example.com"), 400, errBody(400, "User other.user@example.com does not exist in the organization")},
		{"email: role is not USER", email("provider@example.com", "x@example.com"), 400, errBody(400, "Not allowed to update the email")},
		{"email: new email in the same organization", email("john.doe@example.com", "Jane.Roe@example.com"), 400, errBody(400, "New Email Jane.Roe@example.com already exists")},
		{"email: new email is the user's own", email("john.doe@example.com", "john.doe@example.com"), 400, errBody(400, "New Email john.doe@example.com already exists")},
		{"email: new email in another organization", email("john.doe@example.com", "other.user@example.com"), 400, errBody(400, "User with email other.user@example.com already exists in database")},
		{"email: new email only in authentication", email("john.doe@example.com", "GHOST@example.com"), 400, errBody(400, "User with email GHOST@example.com already exists in authentication")},

		// Order of checks: organization before role, role before rules,
		// lock before phone.
		{"order: other organization's provider", func() call { c := profile(`{"email":"provider@example.com"}`); c.key = "cv-other-key"; return c }(), 400, errBody(400, "User provider@example.com does not exist in the organization")},
		{"order: provider with a taken phone", profile(`{"email":"provider@example.com","phoneNumber":"+15550000001"}`), 400, errBody(400, "Not allowed to update the profile")},
		{"order: lock before phone", profile(`{"email":"locked.user@example.com","firstName":"X","phoneNumber":"+15550000001"}`), 400, errBody(400, "Cannot update user profile fields (firstName, lastName, dob, gender) for user with cases")},
		{"order: missing key before a malformed body", func() call { c := post(pageexamples.Care360ProfileCurlBody); c.key = ""; return c }(), 400, missingKey},

		{"auth: missing key", func() call { c := profile(`{"email":"john.doe@example.com"}`); c.key = ""; return c }(), 400, missingKey},
		{"auth: unknown key", func() call { c := profile(`{"email":"john.doe@example.com"}`); c.key = "nope"; return c }(), 400, missingKey},

		{"bad input: no Content-Type", func() call { c := profile(`{"email":"john.doe@example.com"}`); c.contentType = ""; return c }(), 415, errBody(415, "Content-Type must be application/json")},
		{"bad input: text/plain", func() call { c := profile(`{"email":"john.doe@example.com"}`); c.contentType = "text/plain"; return c }(), 415, errBody(415, "Content-Type must be application/json")},
		{"bad input: unknown action", post(`{"action":"DELETE_USER","data":{}}`), 400, errBody(400, "action must be one of UPDATE_EMAIL, UPDATE_PROFILE")},
		{"bad input: no action", post(`{"data":{}}`), 400, errBody(400, "action is required")},
		{"bad input: missing data", post(`{"action":"UPDATE_PROFILE"}`), 400, errBody(400, "data is required")},
		{"bad input: missing email", profile(`{"firstName":"John"}`), 400, errBody(400, "data.email is required")},
		{"bad input: wrong types", profile(`{"email":"john.doe@example.com","firstName":5,"languagePreferences":"en"}`), 400, errBody(400, "data.firstName must be a string; data.languagePreferences must be an array")},
		{"bad input: dob format", profile(`{"email":"john.doe@example.com","dob":"10/01/1995"}`), 400, errBody(400, "data.dob must be a date in YYYY-MM-DD format")},
		{"bad input: state and country", profile(`{"email":"john.doe@example.com","state":"New York","country":"USA"}`), 400, errBody(400, "data.country must match the pattern ^[A-Za-z]{2}$; data.state must match the pattern ^[A-Za-z]{2}$")},
		{"bad input: body is an array", post(`[]`), 400, errBody(400, "body must be an object")},
		{"bad input: empty body", post(" "), 400, errBody(400, "body is required")},
		{"bad input: body over 1 MiB", profile(`{"email":"john.doe@example.com","allergies":"` + strings.Repeat("a", 1<<20) + `"}`), 413, errBody(413, "The request body exceeds the 1 MiB limit")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, store := newServer(t, nil)
			before := store.Export()
			rec := do(e, tt.call)
			if rec.Code != tt.status || rec.Body.String() != tt.body {
				t.Fatalf("got %d %s\nwant %d %s", rec.Code, rec.Body.String(), tt.status, tt.body)
			}
			if ct := rec.Header().Get(echo.HeaderContentType); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q", ct)
			}
			if tt.status != 200 && !reflect.DeepEqual(before, store.Export()) {
				t.Error("a refused request changed the state")
			}
		})
	}
}

func TestResendingLockedValuesIsAllowed(t *testing.T) {
	e, _ := newServer(t, nil)
	rec := do(e, profile(`{"email":"LOCKED.user@example.com","firstName":"Lena","lastName":"Locke","dob":"1988-04-12","gender":"FEMALE","city":"Bend"}`))
	if rec.Code != 200 {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	var got struct{ Data struct{ User map[string]any } }
	_ = json.Unmarshal(rec.Body.Bytes(), &got)
	if got.Data.User["city"] != "Bend" || got.Data.User["dob"] != "1988-04-12T00:00:00.000Z" {
		t.Errorf("user = %v", got.Data.User)
	}
}

func TestProfileUpdateKeepsOmittedAndResetsNullAddress2(t *testing.T) {
	e, _ := newServer(t, nil)
	rec := do(e, profile(`{"email":"john.doe@example.com","address2":null,"city":"Boston"}`))
	if rec.Code != 200 {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	var got struct{ Data struct{ User map[string]any } }
	_ = json.Unmarshal(rec.Body.Bytes(), &got)
	u := got.Data.User
	if u["address2"] != nil || u["city"] != "Boston" || u["firstName"] != "John" || u["postalCode"] != "01010" {
		t.Errorf("user = %v", u)
	}
	if _, present := u["address2"]; !present {
		t.Error("address2 must be present as null")
	}
	if _, present := u["communication"]; present {
		t.Error("the profile response has no communication")
	}
}

func TestPhoneNumberMovesWithTheUpdate(t *testing.T) {
	e, _ := newServer(t, nil)
	// Pat gives up +15550000001; then John can take it.
	if rec := do(e, profile(`{"email":"phone.owner@example.com","phoneNumber":"+15550000009"}`)); rec.Code != 200 {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	if rec := do(e, profile(`{"email":"john.doe@example.com","phoneNumber":"+15550000001"}`)); rec.Code != 200 {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	if rec := do(e, profile(`{"email":"jane.roe@example.com","phoneNumber":"+11111111111"}`)); rec.Code != 200 {
		t.Fatalf("John's old number should be free: %d %s", rec.Code, rec.Body)
	}
}

func TestEmailMoveFreesTheOldAddress(t *testing.T) {
	e, _ := newServer(t, nil)
	if rec := do(e, email("JOHN.DOE@example.com", "john.new@example.com")); rec.Code != 200 {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	if rec := do(e, profile(`{"email":"john.doe@example.com"}`)); rec.Body.String() != errBody(400, "User john.doe@example.com does not exist") {
		t.Fatalf("old address still found: %s", rec.Body)
	}
	if rec := do(e, email("jane.roe@example.com", "john.doe@example.com")); rec.Code != 200 {
		t.Fatalf("old address not freed: %d %s", rec.Code, rec.Body)
	}
	rec := do(e, call{method: http.MethodGet, target: "/api/v1/users?email=john.new", key: demoKey})
	if !strings.Contains(rec.Body.String(), `"email":"john.new@example.com"`) {
		t.Fatalf("list does not show the new email: %s", rec.Body)
	}
}
