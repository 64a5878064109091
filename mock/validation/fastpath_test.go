package validation

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	care360api "github.com/vendorsuite/contracts/generated/care360"
	cl2capi "github.com/vendorsuite/contracts/generated/cl2c"
	r1api "github.com/vendorsuite/contracts/generated/r1discover"
	"github.com/vendorsuite/contracts/mock/cmd/loadgen/workload"
	"github.com/vendorsuite/contracts/mock/problem"
	"github.com/vendorsuite/contracts/openapi"
	"github.com/vendorsuite/contracts/openapi/pageexamples"
)

// fastCase is one request to put through both validator paths.
type fastCase struct {
	doc            string
	method, target string
	header         http.Header
	body           []byte
}

// vendor is one document's validator and an Echo that routes its
// operations, as the generated code registers them.
type vendor struct {
	v *validator
	e *echo.Echo
}

var vendors = map[string]*vendor{}

func vendorOf(tb testing.TB, name string) *vendor {
	tb.Helper()
	if d, ok := vendors[name]; ok {
		return d
	}
	doc, err := openapi.Load(name)
	if err != nil {
		tb.Fatal(err)
	}
	render := func(c echo.Context, p *problem.Problem) error { return c.String(p.Status, p.Message) }
	v, err := newValidator(Config{Document: doc, Render: render})
	if err != nil {
		tb.Fatal(err)
	}
	e := echo.New()
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			e.Add(method, echoTemplate(path), func(echo.Context) error { return nil })
		}
	}
	d := &vendor{v: v, e: e}
	vendors[name] = d
	return d
}

// context is the request as the validator sees it behind Echo's router.
func (d *vendor) context(tc fastCase) (echo.Context, bool) {
	req := httptest.NewRequest(tc.method, "/", bytes.NewReader(tc.body))
	u, err := url.ParseRequestURI(tc.target)
	if err != nil {
		return nil, false
	}
	req.URL, req.RequestURI = u, tc.target
	for k, v := range tc.header {
		req.Header[k] = v
	}
	c := d.e.NewContext(req, httptest.NewRecorder())
	d.e.Router().Find(req.Method, echo.GetPath(req), c)
	return c, true
}

// compare puts tc through the fast path and, when that accepts it,
// through kin-openapi's: kin-openapi must accept it too, and the handler
// must get the same value either way. It reports whether the fast path
// accepted.
func compare(tb testing.TB, tc fastCase) bool {
	tb.Helper()
	d := vendorOf(tb, tc.doc)
	fast, ok := d.context(tc)
	if !ok {
		return false
	}
	accepted, _, p := d.v.accept(fast)
	if p != nil || !accepted {
		return false
	}
	slow, _ := d.context(tc)
	if p := d.v.checkSlowly(slow, nil); p != nil {
		tb.Fatalf("%s %s %s: accepted by the fast path, refused by kin-openapi: %d %s", tc.method, tc.target, tc.body, p.Status, p.Message)
	}
	if tc.doc == openapi.Care360 && tc.method == http.MethodGet {
		compareQuery(tb, tc, fast, slow)
	}
	if tc.body == nil || keptBody(slow) == nil || !keptBody(slow).hasValue {
		if keptBody(fast) != nil && keptBody(fast).hasValue {
			tb.Fatalf("%s %s: the fast path kept a body kin-openapi did not", tc.method, tc.target)
		}
		return true
	}
	if f, s := Discriminator(fast), Discriminator(slow); f != s {
		tb.Fatalf("%s: discriminator %q on the fast path, %q through kin-openapi", tc.body, f, s)
	}
	var fastValue, slowValue any
	if err := Decode(fast, &fastValue); err != nil {
		tb.Fatalf("%s: fast decode: %v", tc.body, err)
	}
	if err := Decode(slow, &slowValue); err != nil {
		tb.Fatalf("%s: kin-openapi decode: %v", tc.body, err)
	}
	if !reflect.DeepEqual(fastValue, slowValue) {
		tb.Fatalf("%s: the fast path hands over %#v, kin-openapi's %#v", tc.body, fastValue, slowValue)
	}
	fastTyped, slowTyped := handlerType(tc.doc, Discriminator(fast)), handlerType(tc.doc, Discriminator(slow))
	if fastTyped == nil {
		tb.Fatalf("%s %s: no request type to compare", tc.doc, tc.body)
	}
	fastErr, slowErr := Decode(fast, fastTyped), Decode(slow, slowTyped)
	if (fastErr == nil) != (slowErr == nil) || !reflect.DeepEqual(fastTyped, slowTyped) {
		tb.Fatalf("%s: the handler's type decodes to %#v (%v) on the fast path, %#v (%v) through kin-openapi", tc.body, fastTyped, fastErr, slowTyped, slowErr)
	}
	return true
}

// compareQuery checks that BindQuery fills the get-users parameters as the
// generated binder does.
func compareQuery(tb testing.TB, tc fastCase, fast, slow echo.Context) {
	tb.Helper()
	var bound care360api.GetUsersParams
	if !BindQuery(fast, &bound) {
		tb.Fatalf("%s: the accepted query was not bound", tc.target)
	}
	var generated paramsCapture
	if err := (&care360api.ServerInterfaceWrapper{Handler: &generated}).GetUsers(slow); err != nil {
		tb.Fatalf("%s: bound by the fast path, refused by the generated binder: %v", tc.target, err)
	}
	if !reflect.DeepEqual(bound, generated.params) {
		tb.Fatalf("%s: bound as %+v, the generated binder gives %+v", tc.target, bound, generated.params)
	}
}

type paramsCapture struct{ params care360api.GetUsersParams }

func (p *paramsCapture) GetUsers(_ echo.Context, params care360api.GetUsersParams) error {
	p.params = params
	return nil
}

func (p *paramsCapture) UpdateUser(echo.Context) error { return nil }

// handlerType is a new value of the generated type the vendor's handler
// decodes the body into.
func handlerType(doc, tag string) any {
	switch doc {
	case openapi.Care360:
		switch tag {
		case string(care360api.UPDATEPROFILE):
			return new(care360api.UpdateProfileRequest)
		case string(care360api.UPDATEEMAIL):
			return new(care360api.UpdateEmailRequest)
		}
	case openapi.CL2C:
		return new(cl2capi.UpdateUserRequest)
	case openapi.R1Discover:
		return new(r1api.UpdateUserRequest)
	}
	return nil
}

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

// knownGood are requests the documents accept: the pages' bodies, the
// documents' request examples and the load generator's requests.
func knownGood(tb testing.TB) []fastCase {
	tb.Helper()
	cases := []fastCase{
		{openapi.Care360, http.MethodPost, "/api/v1/users", jsonHeader, []byte(pageexamples.Care360ProfileBody)},
		{openapi.Care360, http.MethodPost, "/api/v1/users", jsonHeader, []byte(pageexamples.Care360EmailRequest)},
		{openapi.Care360, http.MethodGet, "/api/v1/users?limit=10&after=" + pageexamples.Care360GetUsersCursor, nil, nil},
		{openapi.Care360, http.MethodGet, "/api/v1/users?email=john&sortOrder=desc&sortBy=createdAt&limit=100", nil, nil},
		{openapi.Care360, http.MethodGet, "/api/v1/users?sorOrder=asc&limit=1", nil, nil},
		{openapi.Care360, http.MethodGet, "/api/v1/users", nil, nil},
		{openapi.CL2C, http.MethodPut, "/v1/cl2c/user", jsonHeader, []byte(pageexamples.CL2CRequest)},
		{openapi.R1Discover, http.MethodPut, "/api/v1/companies/1/users/abcxyz123456", jsonHeader, []byte(pageexamples.R1Request)},
	}
	for _, name := range openapi.VendorDocuments {
		doc, err := openapi.Load(name)
		if err != nil {
			tb.Fatal(err)
		}
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				if op.RequestBody == nil || op.RequestBody.Value == nil {
					continue
				}
				mt := op.RequestBody.Value.Content.Get(echo.MIMEApplicationJSON)
				target := path
				for _, p := range op.Parameters {
					if p.Value.In == "path" {
						target = strings.ReplaceAll(target, "{"+p.Value.Name+"}", exampleSegment(p.Value.Example))
					}
				}
				for _, ex := range mt.Examples {
					body, err := json.Marshal(ex.Value.Value)
					if err != nil {
						tb.Fatal(err)
					}
					cases = append(cases, fastCase{name, method, target, jsonHeader, body})
				}
			}
		}
	}
	for _, w := range slices.Concat(workload.All, workload.Extra) {
		worker := w.NewWorker(0, "diff")
		for range 4 {
			r := worker.Next()
			if doc := documentOf(r.Target); doc != "" {
				cases = append(cases, fastCase{doc, r.Method, r.Target, r.Header, r.Body})
			}
			worker.Done(http.StatusOK)
		}
	}
	return cases
}

func exampleSegment(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

// documentOf names the vendor document serving target; "" for the mock's
// own control paths.
func documentOf(target string) string {
	switch {
	case strings.HasPrefix(target, "/api/v1/users"):
		return openapi.Care360
	case strings.HasPrefix(target, "/v1/cl2c/"):
		return openapi.CL2C
	case strings.HasPrefix(target, "/api/v1/companies/"):
		return openapi.R1Discover
	}
	return ""
}

// TestFastPathAgreesWithKinOpenAPI puts every known-good request, and
// variants kin-openapi must word (wrong types, undeclared members, members
// sent twice, escapes), through both paths.
func TestFastPathAgreesWithKinOpenAPI(t *testing.T) {
	total, fast := 0, 0
	for _, tc := range knownGood(t) {
		cases := []fastCase{tc}
		for _, body := range variants(tc.body) {
			v := tc
			v.body = body
			cases = append(cases, v)
		}
		for _, c := range cases {
			total++
			if compare(t, c) {
				fast++
			}
		}
	}
	t.Logf("%d of %d requests accepted by the fast path", fast, total)
}

// variants are bodies near body: each string value replaced by values
// that break common keywords, each member duplicated, renamed in
// another case, dropped, or set to null.
func variants(body []byte) [][]byte {
	if body == nil {
		return nil
	}
	var out [][]byte
	replacements := []string{`""`, `" "`, `null`, `1`, `1.0`, `true`, `[]`, `{}`, `"x"`, `"1995-02-30"`, `"a@b"`, `"\u0041B"`, `"NY"`, `"é"`, `"+12"`}
	var walk func(v any, set func(any))
	root := decodeAny(body)
	walk = func(v any, set func(any)) {
		switch x := v.(type) {
		case map[string]any:
			for k, m := range x {
				walk(m, func(n any) { x[k] = n })
				delete(x, k)
				out = append(out, encode(root))
				x[strings.ToUpper(k)] = m
				out = append(out, encode(root))
				delete(x, strings.ToUpper(k))
				x[k] = m
			}
		case []any:
			for i, m := range x {
				walk(m, func(n any) { x[i] = n })
			}
		}
		if set == nil {
			return
		}
		for _, r := range replacements {
			set(decodeAny([]byte(r)))
			out = append(out, encode(root))
		}
		set(v)
	}
	walk(root, nil)
	// Broken syntax: every prefix, every byte removed, and a few classics.
	for i := range body {
		out = append(out, body[:i], slices.Concat(body[:i], body[i+1:]))
	}
	for _, broken := range []struct{ old, new string }{
		{`}`, `,}`}, {`"`, `'`}, {`:`, ``}, {`,`, `,,`}, {`"`, "\"\t"}, {`"`, "\"\x00"}, {`{`, `{}{`},
		{`"`, `"\"`}, {`null`, `nul`}, {`]`, `,]`}, {`[`, `[,`},
	} {
		out = append(out, bytes.Replace(body, []byte(broken.old), []byte(broken.new), 1))
		out = append(out, bytes.ReplaceAll(body, []byte(broken.old), []byte(broken.new)))
	}
	out = append(out, append(slices.Clone(body), " x"...), append(slices.Clone(body), body...))
	// A member sent twice, and escapes.
	out = append(out, bytes.Replace(body, []byte(`{`), []byte(`{"action":"UPDATE_EMAIL",`), 1))
	out = append(out, bytes.Replace(body, []byte(`"`), []byte(`"\u0061`), 1))
	out = append(out, append(bytes.TrimRight(body, "}\n "), []byte(`,"id":"x"}`)...))
	return out
}

func decodeAny(b []byte) any {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return nil
	}
	return v
}

func encode(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// TestFastPathAcceptsHotRequests fails when the fast path silently
// answers "not sure" for the requests the mock serves most: the load
// generator's, and the pages' and documents' examples kin-openapi accepts
// (some are refused on purpose: the R1 page's obfuscated addresses, the
// load generator's malformed body).
func TestFastPathAcceptsHotRequests(t *testing.T) {
	accepted := 0
	for _, tc := range knownGood(t) {
		c, _ := vendorOf(t, tc.doc).context(tc)
		if vendorOf(t, tc.doc).v.checkSlowly(c, nil) != nil {
			continue
		}
		accepted++
		if !compare(t, tc) {
			t.Errorf("%s %s %s: not accepted by the fast path", tc.method, tc.target, tc.body)
			continue
		}
		if tc.body == nil {
			continue
		}
		// The handler's struct is filled by a plan, not by encoding/json.
		fast, _ := vendorOf(t, tc.doc).context(tc)
		if _, _, p := vendorOf(t, tc.doc).v.accept(fast); p != nil {
			t.Fatalf("%s %s: %s", tc.doc, tc.body, p.Message)
		}
		v := keptBody(fast).value
		if planFor(reflect.TypeOf(handlerType(tc.doc, v.tag)).Elem(), v.accepted) == nil {
			t.Errorf("%s %s: no decoding plan for %T", tc.doc, tc.body, handlerType(tc.doc, v.tag))
		}
	}
	t.Logf("%d known-good requests accepted", accepted)
	if accepted < 15 {
		t.Errorf("only %d known-good requests are accepted by kin-openapi", accepted)
	}
}

// TestCompiledOperations checks that every vendor operation is compiled:
// an operation falling back to kin-openapi wholesale would go unnoticed.
func TestCompiledOperations(t *testing.T) {
	for _, name := range openapi.VendorDocuments {
		doc, err := openapi.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		ops := compileOperations(doc)
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				c, ok := ops[routeKey{method, echoTemplate(path)}]
				if !ok {
					t.Errorf("%s %s %s: not compiled", name, method, path)
					continue
				}
				if op.RequestBody != nil && (c.body == nil || c.body.kind == opaque) {
					t.Errorf("%s %s %s: body schema not compiled", name, method, path)
				}
			}
		}
	}
}

// FuzzFastPath mutates bodies, queries and path segments of the known-good
// requests: whenever the fast path accepts, kin-openapi must accept too
// and hand the handler the same value.
func FuzzFastPath(f *testing.F) {
	good := knownGood(f)
	for i, tc := range good {
		segment := "abcxyz123456"
		query := ""
		if _, q, ok := strings.Cut(tc.target, "?"); ok {
			query = q
		}
		f.Add(uint8(i), segment, query, tc.body)
	}
	f.Fuzz(func(t *testing.T, which uint8, segment, query string, body []byte) {
		tc := good[int(which)%len(good)]
		path, _, _ := strings.Cut(tc.target, "?")
		if tc.doc == openapi.R1Discover {
			path = "/api/v1/companies/1/users/" + segment
		}
		tc.target = path
		if query != "" {
			tc.target += "?" + query
		}
		if tc.body != nil {
			tc.body = body
		}
		compare(t, tc)
	})
}

// BenchmarkValidatorPaths runs each load generator request through the
// validator's two paths alone: the compiled fast accept path, and
// kin-openapi's (router, generic decode, schema walk), which every request
// the fast path is not sure of takes. Each includes reading the body and
// decoding it into the handler's type; the request and its routed context
// are made once and the body rewound.
func BenchmarkValidatorPaths(b *testing.B) {
	for _, w := range workload.All {
		r := w.NewWorker(0, "bench").Next()
		tc := fastCase{documentOf(r.Target), r.Method, r.Target, r.Header, r.Body}
		d := vendorOf(b, tc.doc)
		paths := []struct {
			name string
			run  func(echo.Context) bool
		}{
			{"fast", func(c echo.Context) bool {
				accepted, _, p := d.v.accept(c)
				return accepted && p == nil
			}},
			{"kin-openapi", func(c echo.Context) bool { return d.v.checkSlowly(c, nil) == nil }},
		}
		for _, path := range paths {
			b.Run(w.Name+"/"+path.name, func(b *testing.B) {
				c, _ := d.context(tc)
				req := c.Request()
				body := &bodyReader{}
				b.ReportAllocs()
				for b.Loop() {
					body.Reset(tc.body)
					req.Body = body
					if !path.run(c) {
						b.Fatalf("%s refused %s %s", path.name, tc.method, tc.target)
					}
					if tc.body != nil {
						if err := Decode(c, handlerType(tc.doc, Discriminator(c))); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}

// TestFastPathKeepsBounds checks that a body the compiled schema accepts
// but that breaks a bound is refused with the bound's problem, as the long
// way refuses it.
func TestFastPathKeepsBounds(t *testing.T) {
	doc, err := openapi.Load(openapi.CL2C)
	if err != nil {
		t.Fatal(err)
	}
	render := func(c echo.Context, p *problem.Problem) error { return c.String(p.Status, p.Message) }
	for _, bounds := range []Bounds{
		{MaxDepth: 0, MaxItems: 1000, MaxValues: 10_000, MaxStringBytes: 64 << 10},
		{MaxDepth: 32, MaxItems: 2, MaxValues: 10_000, MaxStringBytes: 64 << 10},
		{MaxDepth: 32, MaxItems: 1000, MaxValues: 2, MaxStringBytes: 64 << 10},
		{MaxDepth: 32, MaxItems: 1000, MaxValues: 10_000, MaxStringBytes: 8},
	} {
		v, err := newValidator(Config{Document: doc, Render: render, Bounds: bounds})
		if err != nil {
			t.Fatal(err)
		}
		d := &vendor{v: v, e: vendorOf(t, openapi.CL2C).e}
		tc := fastCase{openapi.CL2C, http.MethodPut, "/v1/cl2c/user", jsonHeader, []byte(`{"id":"3fa85f64-5717","firstName":"John","lastName":"Doe"}`)}
		fast, _ := d.context(tc)
		accepted, _, p := v.accept(fast)
		slow, _ := d.context(tc)
		want := v.checkSlowly(slow, nil)
		if want == nil || accepted || p == nil || p.Message != want.Message {
			t.Errorf("%+v: fast path accepted %v with %+v, the long way answers %+v", bounds, accepted, p, want)
		}
	}
}

// TestFastPathParameters puts queries and path segments near the edges of
// what the documents accept through both paths.
func TestFastPathParameters(t *testing.T) {
	queries := []string{
		"limit=1", "limit=100", "limit=0", "limit=101", "limit=+5", "limit=007", "limit=1e2", "limit=-1",
		"limit=9223372036854775808", "limit=5.0", "sortOrder=ASC", "sortOrder=desc&sorOrder=asc", "email=",
		"email=a%40b", "email=a+b", "limit=5&limit=6", "foo=bar&limit=5", "limit", "&&limit=5", "after=abc",
		"sortBy=createdAt", "sortBy=x", "email=%C3%A9", "email=é", "limit=5;sortBy=createdAt", "sorOrder=desc",
	}
	accepted := 0
	for _, q := range queries {
		if compare(t, fastCase{openapi.Care360, http.MethodGet, "/api/v1/users?" + q, nil, nil}) {
			accepted++
		}
	}
	body := []byte(`{"username":"xyz123"}`)
	for _, company := range []string{"1", "01", "-1", "+1", "abc", "99999999999999999999", "1.0", ""} {
		for _, client := range []string{"x", "a%20b", "..", "a.b", "a~b_c-d", "%41", "a%2Fb", ""} {
			if compare(t, fastCase{openapi.R1Discover, http.MethodPut, "/api/v1/companies/" + company + "/users/" + client, jsonHeader, body}) {
				accepted++
			}
		}
	}
	if accepted < 10 {
		t.Errorf("only %d requests accepted by the fast path", accepted)
	}
}
