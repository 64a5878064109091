package validation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/mock/problem"
	"github.com/vendorsuite/contracts/openapi"
)

// DefaultMaxBodyBytes is the largest request body accepted: 1 MiB.
const DefaultMaxBodyBytes = 1 << 20

// Config configures the request validator.
type Config struct {
	// Document is the vendor's OpenAPI document. The validator routes on
	// paths only, so its servers are ignored.
	Document *openapi3.T
	// Render writes refused requests in the vendor's envelope. Required.
	Render problem.Renderer
	// MaxBodyBytes caps request bodies; DefaultMaxBodyBytes when zero.
	MaxBodyBytes int64
	// Bounds limit a body's shape before schema validation;
	// DefaultBounds when zero.
	Bounds Bounds
}

// bodyKey is the echo context key under which the validated body is kept,
// so handlers do not read it twice.
const bodyKey = "validation.body"

// requestBody is what the validator keeps of a request body, in one
// allocation: the body as read, the reader that stands in for the
// request's consumed Body, and the value validation accepted.
type requestBody struct {
	raw      []byte
	reader   bodyReader
	value    validatedValue
	hasValue bool
}

// bodyReader reads the body again for whoever reads the request after
// the validator.
type bodyReader struct{ bytes.Reader }

func (*bodyReader) Close() error { return nil }

// keepBody keeps the body read from c's request and puts a reader of it in
// place of the request's Body.
func keepBody(c echo.Context, body []byte) *requestBody {
	rb := &requestBody{raw: body}
	rb.reader.Reset(body)
	c.Request().Body = &rb.reader
	c.Set(bodyKey, rb)
	return rb
}

func keptBody(c echo.Context) *requestBody {
	rb, _ := c.Get(bodyKey).(*requestBody)
	return rb
}

// Body returns the request body the validator read and checked.
func Body(c echo.Context) []byte {
	if rb := keptBody(c); rb != nil {
		return rb.raw
	}
	return nil
}

// New returns a middleware that refuses any request its document does not
// allow, before the handler runs: wrong or missing Content-Type (415), a
// body over the limit (413), a body that is not JSON (400) and every
// schema violation of parameters and body, all listed at once (400).
// Authentication is left to the vendor's handlers, which run their own
// checks first when a vendor answers auth failures before validation.
func New(cfg Config) (echo.MiddlewareFunc, error) {
	v, err := newValidator(cfg)
	if err != nil {
		return nil, err
	}
	return v.middleware, nil
}

func newValidator(cfg Config) (*validator, error) {
	if cfg.Document == nil || cfg.Render == nil {
		return nil, errors.New("validation: Document and Render are required")
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Bounds == (Bounds{}) {
		cfg.Bounds = DefaultBounds
	}
	router, err := gorillamux.NewRouter(withoutSecurity(cfg.Document))
	if err != nil {
		return nil, fmt.Errorf("validation: router: %w", err)
	}
	options := &openapi3filter.Options{
		MultiError:         true,
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		// Defaults stay out of the body: handlers must tell an omitted
		// field from a sent one.
		SkipSettingDefaults: true,
		// Handlers act on the value validation accepted, never on a
		// second decode of the raw body.
		KeepValidatedValue:      true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{Formats()},
	}
	for _, item := range cfg.Document.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				if _, err := unknownFieldsPolicy(op.RequestBody.Value); err != nil {
					return nil, fmt.Errorf("validation: %s: %w", op.OperationID, err)
				}
			}
		}
	}
	options.WithCustomSchemaErrorFunc(ShortSchemaError)
	v := &validator{router: router, options: options, render: cfg.Render, max: cfg.MaxBodyBytes, bounds: cfg.Bounds,
		operations: compileOperations(cfg.Document)}
	return v, nil
}

// withoutSecurity copies doc for routing and validation: servers reduced
// to "/" (the mock answers on any host) and security requirements removed,
// since each vendor authenticates in its own middleware and words its own
// refusal. The shared document is left untouched.
func withoutSecurity(src *openapi3.T) *openapi3.T {
	doc := *src
	doc.Servers = openapi3.Servers{{URL: "/"}}
	doc.Security = nil
	paths := openapi3.NewPaths()
	for path, item := range src.Paths.Map() {
		copied := *item
		for method, op := range item.Operations() {
			opCopy := *op
			opCopy.Security = &openapi3.SecurityRequirements{}
			copied.SetOperation(method, &opCopy)
		}
		paths.Set(path, &copied)
	}
	doc.Paths = paths
	return &doc
}

type validator struct {
	router  routers.Router
	options *openapi3filter.Options
	render  problem.Renderer
	max     int64
	bounds  Bounds
	// operations are the operations compiled for the fast accept path,
	// by the route Echo matched.
	operations map[routeKey]*operation
}

type routeKey struct{ method, template string }

func (v *validator) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if p := v.check(c); p != nil {
			return v.render(c, p)
		}
		return next(c)
	}
}

// check accepts a request the compiled operation accepts exactly as sent,
// its route, parameters and body, without kin-openapi; for any other it
// asks kin-openapi, which words every refusal.
func (v *validator) check(c echo.Context) *problem.Problem {
	accepted, body, p := v.accept(c)
	if p != nil {
		return p
	}
	if accepted {
		return nil
	}
	return v.checkSlowly(c, body)
}

// accept is the fast path: accepted is true when the compiled operation of
// the route Echo matched accepts the request as sent, and the handler then
// decodes the body as it is. Otherwise body is the request body when it
// was read (a problem with reading it is one kin-openapi's path would
// report first too).
func (v *validator) accept(c echo.Context) (accepted bool, body []byte, p *problem.Problem) {
	req := c.Request()
	op := v.operations[routeKey{req.Method, c.Path()}]
	if op == nil || !op.routed(c) {
		return false, nil, nil
	}
	// The router would find this operation, so the body comes next in
	// both paths.
	if op.body != nil {
		if body, p = v.readRaw(req); p != nil {
			return false, nil, p
		}
	}
	by, tag, text, ok := op.accepts(c, body)
	// A body the compiled schema accepts is valid JSON; the bounds are
	// the validator's own and checked as in the long way, unless the body
	// is too short and too shallow to break any.
	if ok && body != nil && !v.withinBounds(op, body) && v.bounds.CheckBounds(body) != nil {
		ok = false
	}
	if !ok {
		if body != nil {
			if p = v.checkJSON(body); p != nil {
				return false, nil, p
			}
			keepBody(c, body)
		}
		return false, body, nil
	}
	if body != nil {
		rb := keepBody(c, body)
		rb.value, rb.hasValue = validatedValue{raw: body, tag: tag, accepted: by, text: text}, true
	}
	if len(op.query) > 0 {
		c.Set(queryKey, op)
	}
	return true, body, nil
}

// checkSlowly validates with kin-openapi: route, parameters and body.
// body is the request body when check read it already.
func (v *validator) checkSlowly(c echo.Context, body []byte) *problem.Problem {
	req := c.Request()
	route, pathParams, err := v.router.FindRoute(req)
	if err != nil {
		var re *routers.RouteError
		if errors.As(err, &re) && errors.Is(re, routers.ErrMethodNotAllowed) {
			return &problem.Problem{Kind: problem.MethodNotAllowed, Status: http.StatusMethodNotAllowed, Message: "Method " + req.Method + " is not allowed on " + req.URL.Path}
		}
		return &problem.Problem{Kind: problem.NotFound, Status: http.StatusNotFound, Message: "No operation at " + req.URL.Path}
	}
	if route.Operation.RequestBody != nil && body == nil {
		var p *problem.Problem
		if body, p = v.readBody(req); p != nil {
			return p
		}
		keepBody(c, body)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route, Options: v.options}
	if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
		fields := fieldProblems(err)
		if body := Body(c); body != nil {
			// Refused members belong in the same answer as the schema's
			// problems; the body is read again only to name them.
			var raw any
			if json.Unmarshal(body, &raw) == nil {
				fields = append(fields, v.refusedMembers(route.Operation.RequestBody.Value, raw)...)
			}
		}
		p := &problem.Problem{Kind: problem.Invalid, Status: http.StatusBadRequest, Fields: fields}
		p.Message = p.FieldMessages()
		return p
	}
	if body := Body(c); body != nil {
		kept, _ := req.Body.(interface{ ValidatedValue() any })
		rb := keptBody(c)
		rb.reader.Reset(body)
		req.Body = &rb.reader
		if kept == nil {
			return &problem.Problem{Kind: problem.Failure, Status: http.StatusInternalServerError, Message: "The validated request body was not kept"}
		}
		if p := v.keep(c, route.Operation.RequestBody.Value, kept.ValidatedValue()); p != nil {
			return p
		}
	}
	return nil
}

// refusedMembers lists the members of a body the document's policy
// refuses.
func (v *validator) refusedMembers(body *openapi3.RequestBody, value any) []problem.Field {
	policy, _ := unknownFieldsPolicy(body) // checked in New
	if policy == ignoreUnknown {
		return nil
	}
	var refused []problem.Field
	reduce(jsonSchema(body), value, policy, v.options.SchemaValidationOptions, &refused)
	return refused
}

func jsonSchema(body *openapi3.RequestBody) *openapi3.Schema {
	if mt := body.Content.Get(echo.MIMEApplicationJSON); mt != nil && mt.Schema != nil {
		return mt.Schema.Value
	}
	return nil
}

// keep reduces the validated body to the members its schema declares,
// refusing the undeclared ones the document's policy refuses, and keeps
// the result for Decode.
func (v *validator) keep(c echo.Context, body *openapi3.RequestBody, value any) *problem.Problem {
	policy, _ := unknownFieldsPolicy(body) // checked in New
	var refused []problem.Field
	reduced, changed := reduced(jsonSchema(body), value, nil, policy, v.options.SchemaValidationOptions, &refused)
	if len(refused) > 0 {
		p := &problem.Problem{Kind: problem.Invalid, Status: http.StatusBadRequest, Fields: refused}
		p.Message = p.FieldMessages()
		return p
	}
	kept := validatedValue{value: reduced, tag: discriminatorTag(jsonSchema(body), reduced)}
	if raw := Body(c); !changed && members(reduced) == rawMembers(raw) {
		// The body is the accepted value as sent: nothing was removed and
		// no member was sent twice (the decoded value would keep only
		// the last). Decode can read it as it is.
		kept.raw = raw
	}
	rb := keptBody(c)
	rb.value, rb.hasValue = kept, true
	return nil
}

// readBody enforces the media type and the size limit and checks that the
// body is JSON, before schema validation words anything.
func (v *validator) readBody(req *http.Request) ([]byte, *problem.Problem) {
	body, p := v.readRaw(req)
	if p != nil {
		return nil, p
	}
	if p := v.checkJSON(body); p != nil {
		return nil, p
	}
	return body, nil
}

// readRaw enforces the media type and the size limit and reads a
// non-blank body.
func (v *validator) readRaw(req *http.Request) ([]byte, *problem.Problem) {
	if ct := firstValue(req.Header, echo.HeaderContentType); ct != echo.MIMEApplicationJSON && !isJSONMediaType(ct) {
		return nil, &problem.Problem{Kind: problem.UnsupportedMediaType, Status: http.StatusUnsupportedMediaType, Message: "Content-Type must be application/json"}
	}
	if req.ContentLength > v.max {
		return nil, v.tooLarge()
	}
	body, err := readAll(req.Body, v.max+1, req.ContentLength)
	if err != nil {
		return nil, &problem.Problem{Kind: problem.MalformedJSON, Status: http.StatusBadRequest, Message: "The request body could not be read"}
	}
	if int64(len(body)) > v.max {
		return nil, v.tooLarge()
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, &problem.Problem{Kind: problem.Invalid, Status: http.StatusBadRequest, Message: "body is required",
			Fields: []problem.Field{{In: "body", Field: "body", Keyword: "required", Message: "body is required"}}}
	}
	return body, nil
}

// checkJSON checks that body is one JSON value within the bounds.
func (v *validator) checkJSON(body []byte) *problem.Problem {
	if err := jsonSyntax(body); err != nil {
		return &problem.Problem{Kind: problem.MalformedJSON, Status: http.StatusBadRequest, Message: "The request body is not valid JSON: " + err.Error()}
	}
	if f := v.bounds.CheckBounds(body); f != nil {
		return &problem.Problem{Kind: problem.Invalid, Status: http.StatusBadRequest, Message: f.Message, Fields: []problem.Field{*f}}
	}
	return nil
}

// withinBounds reports whether an accepted body of op is sure to pass the
// bounds: breaking one takes more bytes than it has (a string longer than
// MaxStringBytes, MaxItems separators in one value, more than MaxValues
// values) or deeper nesting than its schema allows.
func (v *validator) withinBounds(op *operation, body []byte) bool {
	b := v.bounds
	return op.bodyDepth < b.MaxDepth && len(body) < min(b.MaxItems, b.MaxValues, b.MaxStringBytes)
}

// firstValue is h.Get(key) for a key already in canonical form.
func firstValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func isJSONMediaType(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && mediaType == echo.MIMEApplicationJSON
}

// readAll is io.ReadAll of at most limit bytes, into a buffer sized by the
// request's Content-Length when it has one within the limit (one byte more
// so that the end is seen without growing it).
func readAll(r io.Reader, limit, contentLength int64) ([]byte, error) {
	lr := io.LimitedReader{R: r, N: limit}
	size := int64(512)
	if contentLength >= 0 && contentLength < limit {
		size = contentLength + 1
	}
	buf := make([]byte, 0, size)
	for {
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

func (v *validator) tooLarge() *problem.Problem {
	return &problem.Problem{Kind: problem.BodyTooLarge, Status: http.StatusRequestEntityTooLarge, Message: "The request body exceeds the " + problem.SizeWords(v.max) + " limit"}
}

// jsonSyntax reports the first syntax error of body, or a trailing value.
func jsonSyntax(body []byte) error {
	if json.Valid(body) {
		return nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&v); err != nil {
		return err
	}
	return errors.New("unexpected data after the JSON value")
}

// ShortSchemaError words a kin-openapi schema error by its reason alone.
// kin-openapi's own text embeds the schema and the whole offending value,
// and a failed oneOf formats every branch's text eagerly, so a nested value
// costs time and memory that grow with the square of its depth. The mock
// never shows that text: messages are worded from the error's fields.
func ShortSchemaError(e *openapi3.SchemaError) string {
	if e.Reason != "" {
		return e.Reason
	}
	return `doesn't match schema "` + e.SchemaField + `"`
}

// ForDocument returns the validator for one of the embedded documents.
func ForDocument(name string, render problem.Renderer, maxBody int64) (echo.MiddlewareFunc, error) {
	doc, err := openapi.Load(name)
	if err != nil {
		return nil, err
	}
	return New(Config{Document: doc, Render: render, MaxBodyBytes: maxBody})
}
