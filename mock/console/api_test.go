package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/replay"
	"github.com/vendorsuite/contracts/openapi"
)

const apiToken = "console-api-token"

// consoleClient sends control calls as console.js does: a JSON content
// type and the token header on every call (GETs included), the session
// header when a session is chosen.
type consoleClient struct {
	t       *testing.T
	h       http.Handler
	session string
	// paths lists every control path sent, for the coverage check.
	paths []string
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("not a JSON object: %s", a.body)
	}
	return v
}

func (c *consoleClient) call(method, path, contentType, body string) answer {
	c.t.Helper()
	if contentType == "" {
		contentType = "application/json"
	}
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set(mock.ControlTokenHeader, apiToken)
	if c.session != "" {
		req.Header.Set(mock.SessionHeader, c.session)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	a := answer{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	if strings.HasPrefix(path, "/__mock/") {
		c.paths = append(c.paths, method+" "+strings.SplitN(path, "?", 2)[0])
		validateControl(c.t, req, a)
	}
	return a
}

func (c *consoleClient) want(method, path, contentType, body string, status int) answer {
	c.t.Helper()
	a := c.call(method, path, contentType, body)
	if a.status != status {
		c.t.Fatalf("%s %s: %d %s, want %d", method, path, a.status, a.body, status)
	}
	return a
}

// validateControl checks an answer against the control document, so the
// console relies on nothing the document does not promise.
var controlRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := openapi.Parse(context.Background(), openapi.MockControl)
	if err != nil {
		return nil, err
	}
	doc.Servers = openapi3.Servers{{URL: "/"}}
	return gorillamux.NewRouter(doc)
})

func validateControl(t *testing.T, req *http.Request, a answer) {
	t.Helper()
	router, err := controlRouter()
	if err != nil {
		t.Fatal(err)
	}
	plain := req.Clone(context.Background())
	plain.Body = io.NopCloser(bytes.NewReader(nil))
	route, params, err := router.FindRoute(plain)
	if err != nil {
		t.Fatalf("%s %s is no operation of the control document: %v", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: plain, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status: a.status, Header: a.header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true,
			// A YAML answer (a recording) is text to the document; only JSON bodies have a schema to meet.
			ExcludeResponseBody: !strings.HasPrefix(a.header.Get("Content-Type"), "application/json")},
	}
	in.SetBodyBytes(a.body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s: the answer %d %s does not match the control document: %v", req.Method, req.URL.Path, a.status, a.body, err)
	}
}

// TestConsoleControlCalls makes every control call the console makes, in
// the order a QA session would, and checks each answer exactly and against
// the control document.
func TestConsoleControlCalls(t *testing.T) {
	t.Parallel()
	m, err := mock.New(mock.Options{ControlToken: apiToken, Replay: replay.Run})
	if err != nil {
		t.Fatal(err)
	}
	c := &consoleClient{t: t, h: m}

	if a := c.want("GET", "/__mock/health", "", "", 200); string(a.body) != `{"status":"ok"}` {
		t.Errorf("health: %s", a.body)
	}

	// The document the fault form is built from, in the YAML's order.
	doc := c.want("GET", "/__mock/openapi.json", "", "", 200)
	if got := propertyOrder(t, doc.body, "FaultRule"); !slices.Equal(got, []string{"id", "match", "latency", "response", "vendorError", "rateLimit", "unavailable", "drop", "applyFirst", "times", "hits"}) {
		t.Errorf("FaultRule's properties come in the order %v", got)
	}
	if !bytes.Contains(doc.body, []byte("Exact path, or a prefix ending in `*`; any when absent.")) {
		t.Error("the served document lacks FaultMatch.path's description")
	}

	// Sessions: from the startup fixtures (a reset names it) and from a document.
	c.session = "qa-1"
	if a := c.want("POST", "/__mock/reset", "", "", 200); !strings.Contains(string(a.body), `"care360":{"organizations":2,"users":7,"authIdentities":1}`) {
		t.Errorf("the new session is not the startup world: %s", a.body)
	}
	c.session = ""
	c.want("PUT", "/__mock/sessions/qa-2/state", "application/yaml", "cl2c:\n  tenants: [{id: t, apiKeys: [k]}]\n", 200)
	if a := c.want("GET", "/__mock/sessions", "", "", 200); !regexp.MustCompile(`^\{"sessions":\[\{"name":"qa-1",.*\},\{"name":"qa-2",.*\}\]\}$`).Match(a.body) {
		t.Errorf("sessions: %s", a.body)
	}

	// A fault through the form's JSON, a request it meets, and the journal.
	c.session = "qa-1"
	rule := `{"match":{"method":"POST","path":"/api/v1/users"},"vendorError":{"status":500,"message":"Internal server error"},"times":1}`
	if a := c.want("POST", "/__mock/faults", "", rule, 201); string(a.body) != `{"id":"fault-1","times":1,"hits":0,"match":{"method":"POST","path":"/api/v1/users"},"vendorError":{"status":500,"message":"Internal server error"}}` {
		t.Errorf("added rule: %s", a.body)
	}
	if a := c.want("GET", "/__mock/faults", "", "", 200); !strings.Contains(string(a.body), `"id":"fault-1","times":1,"hits":0`) {
		t.Errorf("rules: %s", a.body)
	}
	vendor := httptest.NewRequest("POST", "/__sessions/qa-1/api/v1/users", strings.NewReader(`{"action":"UPDATE_PROFILE","data":{"email":"jane.roe@example.com","city":"Lisbon"}}`))
	vendor.Header.Set("cv-api-key", "cv-demo-key")
	vendor.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, vendor)
	if rec.Code != 500 {
		t.Fatalf("the faulted request: %d %s", rec.Code, rec.Body)
	}
	entries := c.want("GET", "/__mock/requests?since=0", "", "", 200).json(t)["entries"].([]any)
	if len(entries) != 1 {
		t.Fatalf("journal: %v", entries)
	}
	e := entries[0].(map[string]any)
	for k, want := range map[string]any{
		"seq": 1.0, "vendor": "care360", "method": "POST", "path": "/api/v1/users", "status": 500.0, "fault": "fault-1",
		"credential": "care360.org_demo", "body": `{"action":"UPDATE_PROFILE","data":{"email":"jane.roe@example.com","city":"Lisbon"}}`,
		"responseBody": `{"status":500,"success":false,"message":"Internal server error"}`,
	} {
		if e[k] != want {
			t.Errorf("journal entry %s = %#v, want %#v", k, e[k], want)
		}
	}
	if h := e["headers"].(map[string]any); h["Cv-Api-Key"] != "[REDACTED]" {
		t.Errorf("the key is shown: %v", h)
	}
	if r, _ := json.Marshal(e["faultRule"]); string(r) != `{"hits":1,"id":"fault-1","match":{"method":"POST","path":"/api/v1/users"},"times":1,"vendorError":{"message":"Internal server error","status":500}}` {
		t.Errorf("the entry's fault rule: %s", r)
	}
	// The rule is used up, yet the journal still tells what it did.
	if a := c.want("GET", "/__mock/faults", "", "", 200); string(a.body) != `{"faults":[]}` {
		t.Errorf("rules after the single use: %s", a.body)
	}
	if a := c.want("GET", "/__mock/requests?since=1", "", "", 200); string(a.body) != `{"entries":[]}` {
		t.Errorf("polling after the last entry: %s", a.body)
	}

	// Record, then replay the recording in a fresh session.
	recording := c.want("GET", "/__mock/requests?format=scenario&name=qa-recording", "", "", 200)
	if ct := recording.header.Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("recording content type %q", ct)
	}
	for _, want := range []string{"name: qa-recording\n", "faults:\n", "      times: 1\n", "        schema: false\n", "cv-api-key: ${credential.care360.org_demo}"} {
		if !strings.Contains(string(recording.body), want) {
			t.Errorf("the recording lacks %q:\n%s", want, recording.body)
		}
	}
	c.session = ""
	report := c.want("POST", "/__mock/replays", "application/yaml", string(recording.body), 200).json(t)
	if report["passed"] != true || report["session"] != "replay-1" || report["name"] != "qa-recording" {
		t.Errorf("replay: %v", report)
	}

	// Rules: add, delete one, delete what is gone, delete all.
	c.session = "qa-1"
	c.want("POST", "/__mock/faults", "", `{"match":{},"unavailable":true}`, 201)
	c.want("DELETE", "/__mock/faults/fault-2", "", "", 204)
	if a := c.want("DELETE", "/__mock/faults/fault-2", "", "", 404); string(a.body) != `{"errors":["no fault rule fault-2"]}` {
		t.Errorf("deleting a deleted rule: %s", a.body)
	}
	c.want("POST", "/__mock/faults", "", `{"match":{},"drop":true}`, 201)
	c.want("DELETE", "/__mock/faults", "", "", 204)
	if a := c.want("POST", "/__mock/faults", "", `{"match":{"path":"/x"},"latency":{"ms":5}}`, 400); string(a.body) != `{"errors":["latency: property \"ms\" is unsupported"]}` {
		t.Errorf("a rule the form could not produce: %s", a.body)
	}

	// Journal clearing keeps the sequence going.
	c.want("DELETE", "/__mock/requests", "", "", 204)
	if a := c.want("GET", "/__mock/requests?since=0", "", "", 200); string(a.body) != `{"entries":[]}` {
		t.Errorf("journal after clearing: %s", a.body)
	}

	// Editing a user is GET state, change one user, PUT state.
	state := c.want("GET", "/__mock/state", "", "", 200)
	edited := bytes.Replace(state.body, []byte(`"firstName":"Lena"`), []byte(`"firstName":"Leni"`), 1)
	if bytes.Equal(edited, state.body) {
		t.Fatal("the state has no user named Lena to edit")
	}
	c.want("PUT", "/__mock/state", "", string(edited), 200)
	if a := c.want("GET", "/__mock/state", "", "", 200); !bytes.Equal(a.body, edited) {
		t.Error("the edited document did not come back as sent")
	}
	bad := bytes.Replace(edited, []byte(`"status":"Assigned"`), []byte(`"status":"Frozen"`), 1)
	if a := c.want("PUT", "/__mock/state", "", string(bad), 400); !strings.Contains(string(a.body), "cases[0].status must be one of Created, Pending") {
		t.Errorf("a bad edit: %s", a.body)
	}
	if a := c.want("GET", "/__mock/state", "", "", 200); !bytes.Equal(a.body, edited) {
		t.Error("a refused edit changed the state")
	}
	c.session = ""
	if a := c.want("GET", "/__mock/state", "", "", 200); bytes.Contains(a.body, []byte(`"firstName":"Leni"`)) {
		t.Error("editing session qa-1 changed the default world")
	}

	// Reset and delete.
	c.session = "qa-1"
	c.want("POST", "/__mock/reset", "", "", 200)
	if a := c.want("GET", "/__mock/state", "", "", 200); bytes.Contains(a.body, []byte(`"firstName":"Leni"`)) {
		t.Error("reset kept the edit")
	}
	c.session = ""
	c.want("DELETE", "/__mock/sessions/qa-2", "", "", 204)
	if a := c.want("DELETE", "/__mock/sessions/qa-2", "", "", 404); string(a.body) != `{"errors":["no session qa-2"]}` {
		t.Errorf("deleting a deleted session: %s", a.body)
	}

	// Every control path console.js names was exercised above.
	js, err := os.ReadFile("static/console.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range regexp.MustCompile(`"(/__mock/[a-z./]*)`).FindAllStringSubmatch(string(js), -1) {
		path := strings.TrimSuffix(p[1], "/")
		if !slices.ContainsFunc(c.paths, func(sent string) bool {
			return strings.HasSuffix(sent, " "+path) || strings.Contains(sent, " "+path+"/")
		}) {
			t.Errorf("console.js calls %s, which this test never sent", path)
		}
	}
}

// propertyOrder lists a schema's property names in the order the JSON
// document writes them.
func propertyOrder(t *testing.T, doc []byte, schema string) []string {
	t.Helper()
	var top struct {
		Components struct {
			Schemas map[string]struct {
				Properties json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &top); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(top.Components.Schemas[schema].Properties))
	var names []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			if depth == 1 {
				names = append(names, v)
				// Skip the value.
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

func TestConsoleFiles(t *testing.T) {
	t.Parallel()
	guarded, err := mock.New(mock.Options{ControlToken: apiToken, Replay: replay.Run})
	if err != nil {
		t.Fatal(err)
	}
	get := func(h http.Handler, method, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		return rec
	}
	// The page and its files need no token: they hold no state and no
	// secret, and the page asks for the token before any control call.
	for path, want := range map[string]struct{ contentType, contains string }{
		"/__mock/ui/":            {"text/html; charset=utf-8", `<script src="console.js" defer></script>`},
		"/__mock/ui/console.js":  {"text/javascript; charset=utf-8", `"X-Mock-Control-Token": this.token`},
		"/__mock/ui/console.css": {"text/css; charset=utf-8", ".badge"},
	} {
		rec := get(guarded, "GET", path)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != want.contentType || !strings.Contains(rec.Body.String(), want.contains) {
			t.Errorf("GET %s: %d %q", path, rec.Code, rec.Header().Get("Content-Type"))
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "connect-src 'self'") {
			t.Errorf("GET %s: Content-Security-Policy %q", path, csp)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", path)
		}
	}
	if rec := get(guarded, "GET", "/__mock/health"); rec.Code != 401 {
		t.Errorf("the control API answers without the token: %d", rec.Code)
	}
	if rec := get(guarded, "GET", "/__mock/ui"); rec.Code != 301 || rec.Header().Get("Location") != "/__mock/ui/" {
		t.Errorf("GET /__mock/ui: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := get(guarded, "HEAD", "/__mock/ui/console.js"); rec.Code != 200 || rec.Body.Len() != 0 {
		t.Errorf("HEAD: %d, %d bytes", rec.Code, rec.Body.Len())
	}
	for _, tc := range []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/__mock/ui/nope.js", 404, `{"errors":["No operation at /__mock/ui/nope.js"]}`},
		{"GET", "/__mock/ui/../health", 404, `{"errors":["No operation at /__mock/ui/../health"]}`},
		{"POST", "/__mock/ui/", 405, `{"errors":["Method POST is not allowed on /__mock/ui/"]}`},
	} {
		rec := get(guarded, tc.method, tc.path)
		if rec.Code != tc.status || (tc.body != "" && strings.TrimSpace(rec.Body.String()) != tc.body) {
			t.Errorf("%s %s: %d %s, want %d %s", tc.method, tc.path, rec.Code, rec.Body, tc.status, tc.body)
		}
	}

	// Without the control API there is no console either.
	off, err := mock.New(mock.Options{NoControl: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/__mock/ui/", "/__mock/ui/console.js", "/__mock/ui"} {
		if rec := get(off, "GET", path); rec.Code != 404 || !strings.HasPrefix(rec.Body.String(), `{"errors":[`) {
			t.Errorf("--no-control: GET %s: %d %s", path, rec.Code, rec.Body)
		}
	}
}

// The files reference nothing outside the mock: no absolute URL in a
// src, href or fetch, and no import.
func TestConsoleFilesStayOnTheMock(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir("static")
	if err != nil {
		t.Fatal(err)
	}
	external := regexp.MustCompile(`(?i)(src|href|action)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//|@import|fetch\(\s*["'` + "`" + `]https?:|\bimport\s*\(`)
	for _, e := range entries {
		b, err := os.ReadFile("static/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if loc := external.FindIndex(b); loc != nil {
			t.Errorf("%s refers outside the mock: %q", e.Name(), b[loc[0]:min(len(b), loc[1]+40)])
		}
	}
}
