package validation_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/mock/cmd/loadgen/workload"
	"github.com/vendorsuite/contracts/mock/problem"
	"github.com/vendorsuite/contracts/mock/validation"
	"github.com/vendorsuite/contracts/openapi"
)

// BenchmarkValidate runs the request validator alone (no auth, no
// handler) on each vendor workload's request, plus a Care360 body with
// several schema violations, which is the validator's slow path.
func BenchmarkValidate(b *testing.B) {
	docOf := map[string]string{
		"get-users": openapi.Care360, "update-profile": openapi.Care360, "update-email": openapi.Care360,
		"documented-400": openapi.Care360, "cl2c-update": openapi.CL2C, "r1-update": openapi.R1Discover,
	}
	type tc struct {
		name, doc string
		req       *workload.Request
		status    int
	}
	var cases []tc
	for _, sc := range workload.All {
		cases = append(cases, tc{sc.Name, docOf[sc.Name], sc.NewWorker(0, "bench").Next(), http.StatusNoContent})
	}
	invalid := *workload.All[1].NewWorker(0, "bench").Next()
	invalid.Body = []byte(`{"action":"UPDATE_PROFILE","data":{"email":42,"dob":"tomorrow","gender":"X","languagePreferences":"en"}}`)
	cases = append(cases, tc{"invalid-profile", openapi.Care360, &invalid, http.StatusBadRequest})

	render := func(c echo.Context, p *problem.Problem) error { return c.String(p.Status, p.Message) }
	next := func(c echo.Context) error { return c.NoContent(http.StatusNoContent) }
	for _, c := range cases {
		e := routed(b, c.doc, render, next)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(c.req.Method, c.req.Target, bytes.NewReader(c.req.Body))
				for k, v := range c.req.Header {
					req.Header[k] = v
				}
				rec := httptest.NewRecorder()
				e.ServeHTTP(rec, req)
				if rec.Code != c.status {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// routed mounts next behind the document's validator on every operation of
// the document, as the generated code does, so the validator sees the
// route Echo matched.
func routed(tb testing.TB, name string, render problem.Renderer, next echo.HandlerFunc) *echo.Echo {
	tb.Helper()
	doc, err := openapi.Load(name)
	if err != nil {
		tb.Fatal(err)
	}
	mw, err := validation.New(validation.Config{Document: doc, Render: render})
	if err != nil {
		tb.Fatal(err)
	}
	e := echo.New()
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			e.Add(method, echoVariable.ReplaceAllString(path, ":$1"), next, mw)
		}
	}
	return e
}

var echoVariable = regexp.MustCompile(`\{([^}]+)\}`)
