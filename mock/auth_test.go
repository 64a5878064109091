package mock_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/openapi"
)

// route is one path and method of an OpenAPI document, with its path
// parameters filled in.
type route struct{ method, path string }

// routesOf lists every operation of the named document; params fills the
// path parameters.
func routesOf(t *testing.T, name string, params map[string]string) []route {
	t.Helper()
	doc, err := openapi.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	var out []route
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			p := path
			for k, v := range params {
				p = strings.ReplaceAll(p, "{"+k+"}", v)
			}
			if strings.Contains(p, "{") {
				t.Fatalf("%s: no value for a parameter of %s", name, path)
			}
			out = append(out, route{method, p})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path+out[i].method < out[j].path+out[j].method })
	if len(out) == 0 {
		t.Fatalf("%s has no operations", name)
	}
	return out
}

// A valid body per vendor, so only the credentials can refuse the request.
var vendorBodies = map[string]string{
	openapi.Care360:    `{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","city":"NYC"}}`,
	openapi.CL2C:       `{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","firstName":"John","lastName":"Doe"}`,
	openapi.R1Discover: `{"client_status":"active"}`,
}

func TestVendorAuthIsEnforcedOnEveryVendorRoute(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	const care360Missing = `{"status":400,"success":false,"error":"Missing cv-api-key header","code":"CASE_ERROR"}`
	const r1Unauthenticated = `{"error":1,"message":"Unauthenticated."}`
	cases := []struct {
		doc    string
		params map[string]string
		creds  map[string][]string // name -> header pairs
		check  func(code int, body string) bool
	}{
		{
			doc: openapi.Care360,
			creds: map[string][]string{
				"none": nil, "empty": {"cv-api-key", ""}, "unknown": {"cv-api-key", "cv-wrong-key"},
				"other case": {"cv-api-key", "CV-DEMO-KEY"}, "padded": {"cv-api-key", "cv-demo-key "},
				"another vendor's key": {"cv-api-key", "cl2c-demo-key"},
			},
			check: func(code int, body string) bool { return code == 400 && body == care360Missing },
		},
		{
			doc: openapi.CL2C,
			creds: map[string][]string{
				"none": nil, "tenant only": {"tenant", "tenant-demo"}, "key only": {"X-API-Key", "cl2c-demo-key"},
				"wrong key":            {"tenant", "tenant-demo", "X-API-Key", "wrong"},
				"another tenant's key": {"tenant", "tenant-demo", "X-API-Key", "your-api-key"},
				"unknown tenant":       {"tenant", "nobody", "X-API-Key", "cl2c-demo-key"},
				"empty":                {"tenant", "", "X-API-Key", ""},
			},
			check: func(code int, body string) bool {
				var b map[string]any
				if code != 401 || json.Unmarshal([]byte(body), &b) != nil {
					return false
				}
				return cl2cEnvelope(code, b) == nil && b["exception"] != nil
			},
		},
		{
			doc:    openapi.R1Discover,
			params: map[string]string{"companyId": "1", "clientId": "abcxyz123456"},
			creds: map[string][]string{
				"none": nil, "unknown token": {"Authorization", "Bearer wrong"}, "no scheme": {"Authorization", "r1-demo-token"},
				"basic": {"Authorization", "Basic cjEtZGVtby10b2tlbjo="}, "empty bearer": {"Authorization", "Bearer "},
				"another vendor's key": {"Authorization", "Bearer cv-demo-key"},
			},
			check: func(code int, body string) bool { return code == 401 && body == r1Unauthenticated },
		},
	}
	for _, tc := range cases {
		for _, r := range routesOf(t, tc.doc, tc.params) {
			for name, hdr := range tc.creds {
				before := m.State()
				rec := send(m, r.method, r.path, "application/json", vendorBodies[tc.doc], hdr...)
				if !tc.check(rec.Code, rec.Body.String()) {
					t.Errorf("%s %s %s with %s credentials: %d %s", tc.doc, r.method, r.path, name, rec.Code, rec.Body)
				}
				if after := m.State(); !jsonEqual(t, before, after) {
					t.Errorf("%s %s with %s credentials changed the state", r.method, r.path, name)
				}
			}
		}
	}
}

func jsonEqual(t *testing.T, a, b any) bool {
	t.Helper()
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	return bytes.Equal(x, y)
}

func TestJournalAndLogNeverShowCredentials(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m, err := mock.New(mock.Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	state := m.State()
	var secrets []string
	for _, o := range state.Care360.Organizations {
		secrets = append(secrets, o.ApiKeys...)
	}
	for _, tn := range state.Cl2c.Tenants {
		secrets = append(secrets, tn.ApiKeys...)
	}
	for _, tok := range state.R1discover.Tokens {
		secrets = append(secrets, tok.Token)
	}
	invalid := []string{"cv-invalid-secret-4711", "cl2c-invalid-secret-4711", "r1-invalid-secret-4711"}
	for _, k := range append(append([]string{}, secrets...), invalid...) {
		// Every credential on every vendor, valid and not, with good and bad bodies.
		for _, body := range []string{vendorBodies[openapi.Care360], "{not json"} {
			send(m, http.MethodPost, "/api/v1/users", "application/json", body, "cv-api-key", k)
		}
		send(m, http.MethodGet, "/api/v1/users?limit=2", "", "", "cv-api-key", k)
		for _, tenant := range []string{"tenant-demo", "your-tenant-id"} {
			send(m, http.MethodPut, "/v1/cl2c/user", "application/json", vendorBodies[openapi.CL2C], "tenant", tenant, "X-API-Key", k)
			send(m, http.MethodPut, "/v1/cl2c/user", "application/json", `{"id":""}`, "tenant", tenant, "X-API-Key", k)
		}
		for _, path := range []string{"/api/v1/companies/1/users/abcxyz123456", "/api/v1/companies/2/users/other123456", "/api/v1/companies/9/users/x"} {
			send(m, http.MethodPut, path, "application/json", vendorBodies[openapi.R1Discover], "Authorization", "Bearer "+k)
			send(m, http.MethodPut, path, "application/json", `{"client_email":"bad"}`, "Authorization", "Bearer "+k)
		}
		send(m, http.MethodDelete, "/api/v1/users", "", "", "cv-api-key", k)
	}
	journal := send(m, http.MethodGet, "/__mock/requests", "", "")
	scenario := send(m, http.MethodGet, "/__mock/requests?format=scenario", "", "")
	if journal.Code != 200 || scenario.Code != 200 || !strings.Contains(journal.Body.String(), `"entries":[{`) {
		t.Fatalf("journal: %d %.200s / %d", journal.Code, journal.Body, scenario.Code)
	}
	if logs.Len() == 0 {
		t.Fatal("nothing was logged")
	}
	for _, s := range append(secrets, invalid...) {
		for where, text := range map[string]string{"journal": journal.Body.String(), "recorded scenario": scenario.Body.String(), "log": logs.String()} {
			if strings.Contains(text, s) {
				i := strings.Index(text, s)
				t.Errorf("the %s shows the credential %q: …%s…", where, s, text[max(0, i-120):min(len(text), i+60)])
			}
		}
	}
}

func controlRoutes(t *testing.T) []route {
	return routesOf(t, openapi.MockControl, map[string]string{"name": "a", "id": "fault-1"})
}

func TestControlTokenGuardsEveryControlRoute(t *testing.T) {
	t.Parallel()
	const token = "control-secret-31337"
	m, err := mock.New(mock.Options{ControlToken: token})
	if err != nil {
		t.Fatal(err)
	}
	before := m.State()
	for _, r := range controlRoutes(t) {
		for name, hdr := range map[string][]string{
			"no token": nil, "wrong token": {mock.ControlTokenHeader, "wrong"}, "empty token": {mock.ControlTokenHeader, ""},
			"token prefix": {mock.ControlTokenHeader, token[:5]}, "token as bearer": {"Authorization", "Bearer " + token},
		} {
			rec := send(m, r.method, r.path, "application/json", `{}`, hdr...)
			var body struct{ Errors []string }
			if rec.Code != 401 || json.Unmarshal(rec.Body.Bytes(), &body) != nil || len(body.Errors) == 0 || !strings.HasPrefix(rec.Body.String(), `{"errors":[`) {
				t.Errorf("%s %s with %s: %d %s", r.method, r.path, name, rec.Code, rec.Body)
			}
		}
	}
	if !jsonEqual(t, before, m.State()) {
		t.Error("refused control calls changed the state")
	}
	if rec := send(m, http.MethodGet, "/__mock/health", "", "", mock.ControlTokenHeader, token); rec.Code != 200 {
		t.Fatalf("with the token: %d %s", rec.Code, rec.Body)
	}
	if rec := send(m, http.MethodGet, "/__mock/requests", "", "", mock.ControlTokenHeader, token); strings.Contains(rec.Body.String(), token) {
		t.Fatalf("the journal shows the control token: %s", rec.Body)
	}
}

func TestNoControlHidesEveryControlRoute(t *testing.T) {
	t.Parallel()
	m, err := mock.New(mock.Options{NoControl: true, ControlToken: "ignored"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range controlRoutes(t) {
		for _, hdr := range [][]string{nil, {mock.ControlTokenHeader, "ignored"}} {
			rec := send(m, r.method, r.path, "application/json", `{}`, hdr...)
			var body struct{ Errors []string }
			if rec.Code != 404 || json.Unmarshal(rec.Body.Bytes(), &body) != nil || len(body.Errors) == 0 {
				t.Errorf("%s %s (%v): %d %s", r.method, r.path, hdr, rec.Code, rec.Body)
			}
		}
	}
	// The vendors still answer.
	if rec := send(m, http.MethodGet, "/api/v1/users?limit=1", "", "", "cv-api-key", "cv-demo-key"); rec.Code != 200 {
		t.Fatalf("vendor route: %d %s", rec.Code, rec.Body)
	}
}
