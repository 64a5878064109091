package validation

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
)

// operation is one document operation compiled for the fast accept path.
type operation struct {
	path  []param // in the order Echo names them
	query []param
	// body is the compiled request body schema; nil when the operation
	// takes no body.
	body *node
	// bodyDepth is how deeply an accepted body can nest.
	bodyDepth int
}

type param struct {
	name     string
	required bool
	node     *node
}

// compileOperations compiles every operation of doc it can, keyed by
// method and Echo route template (PUT, /api/v1/companies/:companyId/users/:clientId),
// which is what Echo matched before the validator runs. An operation left
// out is validated by kin-openapi alone, routed by its router.
func compileOperations(doc *openapi3.T) map[routeKey]*operation {
	ops := map[routeKey]*operation{}
	if doc.IsOpenAPI31OrLater() {
		// kin-openapi validates 3.1 documents as JSON Schema 2020-12,
		// whose rules the compiler does not follow.
		return ops
	}
	c := newCompiler()
	paths := doc.Paths.Map()
	for path, item := range paths {
		if overlaps(path, paths) {
			// Two templates could match one request: which one the
			// document's router picks is its business.
			continue
		}
		for method, op := range item.Operations() {
			if compiled, ok := compileOperation(c, item, op); ok {
				ops[routeKey{method, echoTemplate(path)}] = compiled
			}
		}
	}
	return ops
}

func compileOperation(c *compiler, item *openapi3.PathItem, op *openapi3.Operation) (*operation, bool) {
	out := &operation{}
	params := map[string]*openapi3.Parameter{}
	for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, ref := range list {
			if ref == nil || ref.Value == nil {
				return nil, false
			}
			params[ref.Value.In+" "+ref.Value.Name] = ref.Value
		}
	}
	for _, key := range componentNames(params) {
		p := params[key]
		if p.Schema == nil || p.Schema.Value == nil || p.Content != nil || p.AllowEmptyValue || p.Explode != nil {
			return nil, false
		}
		n := c.compile(p.Schema.Value)
		if n.kind != stringKind && n.kind != integerKind && n.kind != opaque {
			return nil, false
		}
		switch {
		case p.In == openapi3.ParameterInPath && (p.Style == "" || p.Style == openapi3.SerializationSimple):
			out.path = append(out.path, param{p.Name, true, n})
		case p.In == openapi3.ParameterInQuery && (p.Style == "" || p.Style == openapi3.SerializationForm):
			out.query = append(out.query, param{p.Name, p.Required, n})
		default:
			return nil, false
		}
	}
	if rb := op.RequestBody; rb != nil {
		if rb.Value == nil || len(rb.Value.Content) != 1 {
			return nil, false
		}
		mt := rb.Value.Content.Get(echo.MIMEApplicationJSON)
		if mt == nil || mt.Schema == nil || mt.Schema.Value == nil || len(mt.Encoding) > 0 || rb.Value.Content[echo.MIMEApplicationJSON] == nil {
			return nil, false
		}
		out.body = c.compile(mt.Schema.Value)
		out.bodyDepth = out.body.depth()
	}
	return out, true
}

// echoTemplate writes an OpenAPI path template the way the generated code
// registers it with Echo: {name} becomes :name.
func echoTemplate(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = ":" + s[1:len(s)-1]
		}
	}
	return strings.Join(segs, "/")
}

// overlaps reports whether another template of paths could match a path
// that path matches.
func overlaps(path string, paths map[string]*openapi3.PathItem) bool {
	a := strings.Split(path, "/")
	for other := range paths {
		if other == path {
			continue
		}
		b := strings.Split(other, "/")
		if len(a) != len(b) {
			continue
		}
		same := true
		for i := range a {
			if a[i] != b[i] && !isVariable(a[i]) && !isVariable(b[i]) {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

func isVariable(seg string) bool { return strings.Contains(seg, "{") }

// routed reports whether the document's router would take the request's
// path parameters from the path exactly as Echo did: no escape in the
// path, and every parameter a plain segment.
func (op *operation) routed(c echo.Context) bool {
	if c.Request().URL.RawPath != "" {
		return false
	}
	for _, p := range op.path {
		if !plainSegment(c.Param(p.name)) {
			return false
		}
	}
	return true
}

// plainSegment reports whether v is a non-empty path segment of unreserved
// characters only, so that the decoded and the escaped path agree on it.
func plainSegment(v string) bool {
	if v == "" || strings.Trim(v, ".") == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == '~':
		default:
			return false
		}
	}
	return true
}

// acceptsQuery checks the raw query against the declared query
// parameters. A query with an escape, a '+', a ';', an empty or repeated
// declared parameter is left to kin-openapi; an undeclared parameter is
// ignored, as kin-openapi ignores it (without escapes its name is the one
// sent).
func (op *operation) acceptsQuery(raw string) bool {
	if strings.ContainsAny(raw, "%+;") {
		return false
	}
	var seen uint64
	if len(op.query) > maxMembers {
		return false
	}
	for rest := raw; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		key, value, hasValue := strings.Cut(pair, "=")
		i := op.queryIndex(key)
		if i < 0 {
			continue
		}
		if !hasValue || value == "" || seen&(1<<i) != 0 {
			return false
		}
		seen |= 1 << i
		if !utf8.ValidString(value) || !op.query[i].node.acceptsParam(value) {
			return false
		}
	}
	for i, p := range op.query {
		if p.required && seen&(1<<i) == 0 {
			return false
		}
	}
	return true
}

func (op *operation) queryIndex(name string) int {
	for i, p := range op.query {
		if p.name == name {
			return i
		}
	}
	return -1
}

// acceptsParam checks a parameter's raw value as kin-openapi parses and
// validates it: a string as it is, an integer by strconv.ParseInt.
func (n *node) acceptsParam(v string) bool {
	switch n.kind {
	case stringKind:
		return n.acceptsString(v)
	case integerKind:
		i, err := strconv.ParseInt(v, 10, n.bits)
		if err != nil {
			return false
		}
		f := float64(i)
		return (n.min == nil || *n.min <= f) && (n.max == nil || *n.max >= f)
	}
	return false
}

// accepts reports whether the request, routed, is accepted as sent: its
// parameters pass and its body (already read, when the operation takes
// one) is accepted exactly as sent, by the node accepted (the branch, for
// a oneOf, that tag names); text is the length of its string values.
func (op *operation) accepts(c echo.Context, body []byte) (accepted *node, tag string, text int, ok bool) {
	req := c.Request()
	for _, p := range op.path {
		if !p.node.acceptsParam(c.Param(p.name)) {
			return nil, "", 0, false
		}
	}
	if !op.acceptsQuery(req.URL.RawQuery) {
		return nil, "", 0, false
	}
	if op.body == nil {
		return nil, "", 0, true
	}
	if !plainJSONContentType(req.Header) {
		return nil, "", 0, false
	}
	return op.body.acceptsBody(body)
}

// plainJSONContentType reports whether the request declares JSON in one
// of the two usual spellings; anything else goes the long way.
func plainJSONContentType(h http.Header) bool {
	v := h[echo.HeaderContentType] // a canonical name: no need to canonicalize it again
	if len(v) != 1 {
		return false
	}
	return strings.EqualFold(v[0], "application/json") || strings.EqualFold(v[0], "application/json; charset=utf-8")
}
