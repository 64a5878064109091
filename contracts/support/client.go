package support

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/onsi/ginkgo/v2"

	"github.com/vendorsuite/contracts/mock/redact"
	"github.com/vendorsuite/contracts/mock/registry"
	"github.com/vendorsuite/contracts/openapi"
)

// Request is one call to a target: an operation of a vendor's document,
// built by its generated client (Build), or Method and Path as written
// for what no operation describes (unknown paths, malformed parameters).
// Path may carry a query string.
type Request struct {
	// Build makes the request with the generated client's builder for the
	// operation, from the target's base URL and the body (JSON or Raw), so
	// a document change that renames, moves or retypes the operation
	// fails to compile here.
	Build  func(server string, body io.Reader) (*http.Request, error)
	Method string
	Path   string
	Header http.Header
	// JSON, when not nil, is marshalled as the body (Content-Type
	// application/json unless ContentType says otherwise).
	JSON any
	// Raw, when not nil, is sent as the body as written.
	Raw *string
	// ContentType overrides the body's Content-Type; "-" sends none.
	ContentType string
	// Session, when set, is sent as X-Mock-Session instead of the suite's
	// own session (targets with the control API only).
	Session string
	// Timeout, when set, bounds the whole exchange.
	Timeout time.Duration
}

// WithRaw returns r sending body as written instead of JSON.
func (r Request) WithRaw(body string) Request {
	r.JSON, r.Raw = nil, &body
	return r
}

// Response is a target's answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Request describes the request with its secrets redacted.
	Request string

	req   *http.Request
	scrub *Scrubber
}

// String shows the exchange for failure messages, secrets redacted.
func (r *Response) String() string {
	return fmt.Sprintf("request:\n%s\nresponse: %d\n%s", indent(r.Request), r.Status, indent(r.scrub.Scrub(string(r.Body))))
}

// Decode decodes the body into v; it fails the spec when it cannot. For
// an operation's answer Parse is the reader: Decode is for answers no
// operation describes (unknown paths, injected faults), into the
// document's types all the same.
func (r *Response) Decode(v any) {
	ginkgo.GinkgoHelper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		ginkgo.Fail(fmt.Sprintf("decoding the body: %v\n%s", err, r))
	}
}

// Parse reads the answer with a generated client's parser (oapi-codegen's
// Parse<Operation>Response): its JSON<status> fields hold the body as the
// document's types, so a spec reading them fails to compile when the
// document renames or retypes a response field. Body stays as received,
// for byte-exact checks. It fails the spec when the body does not decode.
func Parse[T any](r *Response, parse func(*http.Response) (T, error)) T {
	ginkgo.GinkgoHelper()
	out, err := parse(&http.Response{StatusCode: r.Status, Header: r.Header, Body: io.NopCloser(bytes.NewReader(r.Body)), Request: r.req})
	if err != nil {
		ginkgo.Fail(fmt.Sprintf("the body does not decode as the document's type: %v\n%s", err, r))
	}
	return out
}

// Member returns what a generated union's As<Schema> method decoded; it
// fails the spec when the union does not hold that member.
func Member[T any](v T, err error) T {
	ginkgo.GinkgoHelper()
	if err != nil {
		ginkgo.Fail(fmt.Sprintf("the body is not the document's %T: %v", v, err))
	}
	return v
}

// Redacted is the redaction marker, the mock's own: secrets (redact's
// one list of headers and key-like query parameters) are replaced wherever
// a request is shown. The tenant is not secret and stays.
const Redacted = redact.Marker

func describeRequest(req *http.Request, body []byte, sc *Scrubber) string {
	var b strings.Builder
	shown := *req.URL
	shown.RawQuery = redact.Query(shown.RawQuery)
	fmt.Fprintf(&b, "%s %s\n", req.Method, shown.RequestURI())
	names := make([]string, 0, len(req.Header))
	for k := range req.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := strings.Join(req.Header[k], ", ")
		if redact.Header(k) {
			v = Redacted
		}
		fmt.Fprintf(&b, "%s: %s\n", k, v)
	}
	if len(body) > 0 {
		b.WriteString("\n")
		b.Write(body)
	}
	return sc.Scrub(b.String())
}

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }

// Do sends req to vendor's target, checks the answer against the vendor's
// OpenAPI document (the mock-control document for /__mock/ paths), and
// fails the spec with the exchange and the validation error when the
// document does not describe the answer.
func (t *Targets) Do(vendor string, r Request) *Response {
	ginkgo.GinkgoHelper()
	out, err := t.Exchange(vendor, r)
	if err != nil {
		ginkgo.Fail(err.Error())
	}
	if err := t.Validate(vendor, out); err != nil {
		ginkgo.Fail(err.Error())
	}
	return out
}

// Exchange sends req to vendor's target and returns the answer, or an
// error when none came (refused, dropped, timed out). It does not validate
// the answer and never fails the spec itself; Do does both.
func (t *Targets) Exchange(vendor string, r Request) (*Response, error) {
	tg := t.byVendor[vendor]
	if tg == nil {
		return nil, fmt.Errorf("unknown vendor %s", vendor)
	}
	var body []byte
	switch {
	case r.Raw != nil:
		body = []byte(*r.Raw)
	case r.JSON != nil:
		b, err := json.Marshal(r.JSON)
		if err != nil {
			return nil, fmt.Errorf("marshalling the request body: %w", err)
		}
		body = b
	}
	ctx := context.Background()
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	var req *http.Request
	var err error
	if r.Build != nil {
		req, err = r.Build(tg.BaseURL, bytes.NewReader(body))
		if err == nil {
			req = req.WithContext(ctx)
		}
	} else {
		req, err = http.NewRequestWithContext(ctx, r.Method, tg.BaseURL+r.Path, bytes.NewReader(body))
	}
	if err != nil {
		return nil, fmt.Errorf("building the request: %w", err)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if body != nil {
		switch r.ContentType {
		case "":
			req.Header.Set("Content-Type", "application/json")
		case "-":
			req.Header.Del("Content-Type")
		default:
			req.Header.Set("Content-Type", r.ContentType)
		}
	}
	if s := t.sessionFor(tg, r.Session); s != "" {
		req.Header.Set(SessionHeader, s)
	}
	shown := describeRequest(req, body, t.scrub)
	resp, err := t.client.Do(req)
	if err != nil {
		t.record(req, nil)
		return nil, fmt.Errorf("request failed: %s\nrequest:\n%s", t.scrub.Scrub(err.Error()), indent(shown))
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.record(req, nil)
		return nil, fmt.Errorf("reading the response: %s\nrequest:\n%s", t.scrub.Scrub(err.Error()), indent(shown))
	}
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: got, Request: shown, req: req, scrub: t.scrub}
	t.record(req, out)
	return out, nil
}

// Validate checks an answer of Exchange against vendor's OpenAPI document
// (the mock-control document for /__mock/ paths).
func (t *Targets) Validate(vendor string, out *Response) error {
	if out.req == nil {
		return fmt.Errorf("the response has no request to validate against")
	}
	docName := vendor
	if registry.IsControl(out.req.URL.Path) {
		docName = openapi.MockControl
	}
	if err := validateResponse(context.Background(), docName, out.req, out); err != nil {
		return fmt.Errorf("the %s OpenAPI document does not describe this response:\n%s\nvalidation error:\n%s", docName, out, indent(err.Error()))
	}
	return nil
}

// Control calls the mock control API of vendor's target; the spec is
// skipped when the target has none.
func (t *Targets) Control(vendor, method, path string, body any) *Response {
	ginkgo.GinkgoHelper()
	if !t.byVendor[vendor].Control {
		Skip("the " + vendor + " target has no /__mock/ control API")
	}
	return t.Do(vendor, Request{Method: method, Path: path, JSON: body})
}

func validateResponse(ctx context.Context, docName string, req *http.Request, resp *Response) error {
	rt, err := openapi.PathRouter(docName)
	if err != nil {
		return fmt.Errorf("loading %s: %w", docName, err)
	}
	route, params, err := rt.FindRoute(req)
	if err != nil {
		return fmt.Errorf("the document has no operation %s %s: %w", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: resp.Status,
		Header: resp.Header,
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
		},
	}
	in.SetBodyBytes(resp.Body)
	return openapi3filter.ValidateResponse(ctx, in)
}
