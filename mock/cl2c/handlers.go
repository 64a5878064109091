package cl2c

import (
	"net/http"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	api "github.com/vendorsuite/contracts/generated/cl2c"
	"github.com/vendorsuite/contracts/mock/jsonresp"
	"github.com/vendorsuite/contracts/mock/problem"
	"github.com/vendorsuite/contracts/mock/routing"
	"github.com/vendorsuite/contracts/mock/validation"
	"github.com/vendorsuite/contracts/openapi"
)

// Header names of the page: together they decide the tenant.
const (
	TenantHeader = "tenant"
	APIKeyHeader = "X-API-Key"
)

// The same names in canonical form, which header look-ups take without
// allocating.
var (
	tenantHeaderKey = http.CanonicalHeaderKey(TenantHeader)
	apiKeyHeaderKey = http.CanonicalHeaderKey(APIKeyHeader)
)

// Fixed texts of the error shapes, from the page and the OpenAPI document.
const (
	errorSource     = "API Gateway"
	supportMessage  = "Please contact support with this error ID."
	problemType     = "https://example.com/error"
	problemTitle    = "Invalid Request"
	problemDetail   = "The request parameters are incorrect."
	msgUnauthorized = "Invalid tenant or API key."
	msgNotJSON      = "The request body is not valid JSON."
	msgNotObject    = "The request body must be a JSON object."
	msgUnexpected   = "An unexpected error occurred."
)

// .NET exception names the default error shape carries per status.
const (
	excGeneric      = "System.Exception"
	excUnauthorized = "System.UnauthorizedAccessException"
	excNotFound     = "System.Collections.Generic.KeyNotFoundException"
	excTooLarge     = "System.IO.InvalidDataException"
	excMediaType    = "System.NotSupportedException"
)

// StoreFunc finds the store that serves a request (the default world or a
// session's).
type StoreFunc = func(c echo.Context) *Store

// Handlers implements the generated CL2C server interface over a store.
type Handlers struct {
	store StoreFunc
}

var _ api.ServerInterface = (*Handlers)(nil)

// Context keys: the middleware resolves the store once, so the handler
// works on the same store the tenant came from.
const (
	storeKey  = "cl2c.store"
	tenantKey = "cl2c.tenant"
)

// Authenticate refuses a request whose tenant and key do not open a tenant
// before its body is looked at, and remembers the tenant.
func (h *Handlers) Authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s := h.store(c)
		hdr := c.Request().Header
		t := s.authenticate(hdr.Get(tenantHeaderKey), hdr.Get(apiKeyHeaderKey))
		if t == nil {
			return defaultError(c, http.StatusUnauthorized, excUnauthorized, msgUnauthorized)
		}
		c.Set(storeKey, s)
		c.Set(tenantKey, t)
		return next(c)
	}
}

// UpdateUser serves PUT /v1/cl2c/user. The validator has already checked
// the body against the schema.
func (h *Handlers) UpdateUser(c echo.Context) error {
	var req api.UpdateUserRequest
	if err := validation.Decode(c, &req); err != nil {
		// Unreachable after validation; answered like any body the mock
		// cannot read rather than with a 500.
		return validationProblem(c, map[string][]string{"body": {msgNotJSON}})
	}
	s, _ := c.Get(storeKey).(*Store)
	t, _ := c.Get(tenantKey).(*tenant)
	if s == nil || t == nil {
		return defaultError(c, http.StatusUnauthorized, excUnauthorized, msgUnauthorized)
	}
	u, ok := s.update(t, &req)
	if !ok {
		return defaultError(c, http.StatusNotFound, excNotFound, "User "+req.Id+" not found.")
	}
	return jsonresp.SendJSON(c, http.StatusOK, (&userAnswer{user: u}).AppendJSON)
}

// defaultError writes the page's general error shape with a fresh error id.
func defaultError(c echo.Context, status int, exception string, messages ...string) error {
	answer := defaultErrorAnswer{
		Messages:       messages,
		Source:         errorSource,
		Exception:      exception,
		ErrorId:        nextID("error-"),
		SupportMessage: supportMessage,
		StatusCode:     status,
	}
	return jsonresp.SendJSON(c, status, answer.AppendJSON)
}

// validationProblem writes the page's 400 shape; each request gets its own
// instance id.
func validationProblem(c echo.Context, errs map[string][]string) error {
	answer := validationAnswer{
		Type:     problemType,
		Title:    problemTitle,
		Status:   http.StatusBadRequest,
		Detail:   problemDetail,
		Instance: nextID("req-"),
		Errors:   &errs,
	}
	return jsonresp.SendJSON(c, http.StatusBadRequest, answer.AppendJSON)
}

// Render writes a validator problem in CL2C's shapes: schema failures and
// unreadable bodies in the 400 validation shape, everything else in the
// default error shape.
func Render(c echo.Context, p *problem.Problem) error {
	switch p.Kind {
	case problem.Invalid:
		return validationProblem(c, fieldErrors(p))
	case problem.MalformedJSON:
		return validationProblem(c, map[string][]string{"body": {msgNotJSON}})
	case problem.BodyTooLarge:
		return defaultError(c, http.StatusRequestEntityTooLarge, excTooLarge, sentence(p.Message))
	case problem.UnsupportedMediaType:
		return defaultError(c, http.StatusUnsupportedMediaType, excMediaType, sentence(p.Message))
	case problem.NotFound:
		return defaultError(c, http.StatusNotFound, excNotFound, sentence(p.Message))
	case problem.MethodNotAllowed:
		return defaultError(c, http.StatusMethodNotAllowed, excGeneric, sentence(p.Message))
	case problem.Failure:
		return defaultError(c, p.Status, excGeneric, sentence(p.Message))
	}
	return defaultError(c, http.StatusInternalServerError, excGeneric, msgUnexpected)
}

// fieldErrors groups the failing fields' messages by field name.
func fieldErrors(p *problem.Problem) map[string][]string {
	errs := map[string][]string{}
	for _, f := range p.Fields {
		errs[f.Field] = append(errs[f.Field], fieldMessage(f))
	}
	if len(errs) == 0 {
		errs["body"] = []string{sentence(p.Message)}
	}
	return errs
}

// requiredFields are the fields the mock requires; missing, empty, blank
// and null are all reported as "required", as the page's firstName example
// does and ASP.NET's Required rule would.
var requiredFields = map[string]bool{"id": true, "firstName": true, "lastName": true}

// fieldMessage words one failing field the way the page words its errors.
func fieldMessage(f problem.Field) string {
	if f.In == "body" && f.Field == "body" {
		// The body as a whole: empty (not JSON at all) or not an object.
		if f.Keyword == "required" {
			return msgNotJSON
		}
		return msgNotObject
	}
	if f.In != "body" {
		return f.Message
	}
	words := fieldWords(f.Field)
	switch {
	case requiredFields[f.Field] && (f.Keyword == "required" || f.Keyword == "minLength" || f.Keyword == "pattern" || f.Keyword == "nullable"):
		return words + " is required"
	case f.Field == "phoneNumber" && f.Keyword == "pattern":
		return "Invalid phone number format"
	case f.Keyword == "type" && strings.HasPrefix(f.Message, f.Field+" "):
		return words + strings.TrimPrefix(f.Message, f.Field)
	case f.Keyword == "nullable":
		// Every field of the request body is a string.
		return words + " must be a string"
	}
	return f.Message
}

// fieldWords turns a field name into the words that start a message:
// "pushToken" → "Push token". The id is the user's, as the 400 example of
// the OpenAPI document calls it.
func fieldWords(field string) string {
	if field == "id" {
		return "User id"
	}
	var b strings.Builder
	for i, r := range field {
		switch {
		case i == 0:
			b.WriteRune(unicode.ToUpper(r))
		case unicode.IsUpper(r):
			b.WriteRune(' ')
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sentence ends a validator message with a full stop, as CL2C's messages
// are written.
func sentence(s string) string {
	if strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

// Register mounts the CL2C route on e behind chain: tenant and key check, then schema
// validation, then the handler.
func Register(e *echo.Echo, chain []echo.MiddlewareFunc, store StoreFunc, maxBody int64) error {
	h := &Handlers{store: store}
	validate, err := validation.ForDocument(openapi.CL2C, Render, maxBody)
	if err != nil {
		return err
	}
	api.RegisterHandlers(routing.With(e, append(chain[:len(chain):len(chain)], h.Authenticate, validate)...), h)
	return nil
}
