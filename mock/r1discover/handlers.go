package r1discover

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	api "github.com/vendorsuite/contracts/generated/r1discover"
	"github.com/vendorsuite/contracts/mock/jsonresp"
	"github.com/vendorsuite/contracts/mock/problem"
	"github.com/vendorsuite/contracts/mock/routing"
	"github.com/vendorsuite/contracts/mock/validation"
	"github.com/vendorsuite/contracts/openapi"
)

// Messages of the error envelope, as the OpenAPI document gives them.
const (
	msgUnauthenticated = "Unauthenticated."
	msgForbidden       = "This action is unauthorized."
	msgInvalidData     = "The given data was invalid."
	msgNotJSON         = "The request body is not valid JSON."
	msgNotObject       = "The request body must be a JSON object."
	msgServerError     = "Server Error."
	msgUpdated         = "User updated successfully"
)

func companyNotFound(companyID string) string { return "Company " + companyID + " not found." }

func userNotFound(clientID, companyID string) string {
	return "User " + clientID + " not found in company " + companyID + "."
}

// StoreFunc finds the store that serves a request (the default world or a
// session's).
type StoreFunc = func(c echo.Context) *Store

// Handlers implements the generated R1 Discover server interface over a
// store.
type Handlers struct {
	store StoreFunc
}

var _ api.ServerInterface = (*Handlers)(nil)

// Context keys: the middleware resolves the store and the company once, so
// the handler works on what was authorized.
const (
	storeKey     = "r1discover.store"
	companyKey   = "r1discover.company"
	companyIDKey = "r1discover.companyId"
)

// Authorize checks the bearer token, the company, the token's right to
// manage it and the client in the company, in that order, before the body
// is looked at. It reads the company id from the path itself: the
// generated wrapper would answer a non-integer id with Echo's own 400,
// where R1 Discover answers 404.
func (h *Handlers) Authorize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s := h.store(c)
		raw := c.Param("companyId")
		id, ok := companyID(raw)
		acc, co := s.authorize(bearerToken(c.Request()), id, ok)
		switch acc {
		case accessUnauthenticated:
			return refuse(c, http.StatusUnauthorized, msgUnauthenticated, nil)
		case accessNoCompany:
			return refuse(c, http.StatusNotFound, companyNotFound(raw), nil)
		case accessForbidden:
			return refuse(c, http.StatusForbidden, msgForbidden, nil)
		}
		// The route's client is bound before the body is validated, as
		// Laravel resolves route bindings before a form request runs.
		if clientID := c.Param("clientId"); !s.hasClient(co, clientID) {
			return refuse(c, http.StatusNotFound, userNotFound(clientID, raw), nil)
		}
		c.Set(storeKey, s)
		c.Set(companyKey, co)
		c.Set(companyIDKey, raw)
		return next(c)
	}
}

// companyID reads the company id as the path writes it: a whole number in
// plain digits. Anything else (a plus sign, a percent-escape, a fraction,
// a number beyond int) names no company. Escaped digits are refused too:
// the validator does not unescape path parameters and would otherwise call
// the id a schema error instead of letting the 404 speak.
func companyID(raw string) (int, bool) {
	digits := strings.TrimPrefix(raw, "-")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	id, err := strconv.Atoi(raw)
	return id, err == nil
}

// bearerToken returns the token of an "Authorization: Bearer <token>"
// header, or "" when there is none. The scheme is case-insensitive, as
// HTTP defines it.
func bearerToken(r *http.Request) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get(echo.HeaderAuthorization)), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// UpdateCompanyUser serves PUT /api/v1/companies/{companyId}/users/{clientId}.
// The validator has already checked the body's types.
func (h *Handlers) UpdateCompanyUser(c echo.Context, _ int, clientID string) error {
	var req api.UpdateUserRequest
	if err := validation.Decode(c, &req); err != nil {
		// Unreachable after validation; answered like any body the mock
		// cannot read rather than with a 500.
		return refuse(c, http.StatusBadRequest, msgNotJSON, nil)
	}
	s, _ := c.Get(storeKey).(*Store)
	co, _ := c.Get(companyKey).(*company)
	companyID, _ := c.Get(companyIDKey).(string)
	if s == nil || co == nil {
		return refuse(c, http.StatusUnauthorized, msgUnauthenticated, nil)
	}
	data, errs, found := s.update(co, clientID, &req)
	switch {
	case !found:
		return refuse(c, http.StatusNotFound, userNotFound(clientID, companyID), nil)
	case len(errs) > 0:
		return refuse(c, http.StatusUnprocessableEntity, msgInvalidData, errs)
	}
	return jsonresp.SendJSON(c, http.StatusOK, (&updatedAnswer{Error: api.UpdateUserResponseErrorN0, Message: msgUpdated, Data: data}).AppendJSON)
}

// refuse writes the error envelope; errs only on validation failures.
func refuse(c echo.Context, status int, message string, errs map[string][]string) error {
	body := &errorAnswer{Error: api.ErrorResponseErrorN1, Message: message}
	if len(errs) > 0 {
		body.Errors = &errs
	}
	return jsonresp.SendJSON(c, status, body.AppendJSON)
}

// Render writes a validator problem in the error envelope. A body of the
// wrong shape is refused like the rules refuse values, with 422; a body
// that is not JSON at all is a 400.
func Render(c echo.Context, p *problem.Problem) error {
	switch p.Kind {
	case problem.Invalid:
		if emptyBody(p) {
			return refuse(c, http.StatusBadRequest, msgNotJSON, nil)
		}
		return refuse(c, http.StatusUnprocessableEntity, msgInvalidData, withRuleErrors(c, fieldErrors(p)))
	case problem.MalformedJSON:
		return refuse(c, http.StatusBadRequest, msgNotJSON, nil)
	case problem.BodyTooLarge:
		return refuse(c, http.StatusRequestEntityTooLarge, sentence(p.Message), nil)
	case problem.UnsupportedMediaType:
		return refuse(c, http.StatusUnsupportedMediaType, sentence(p.Message), nil)
	case problem.NotFound:
		return refuse(c, http.StatusNotFound, sentence(p.Message), nil)
	case problem.MethodNotAllowed:
		return refuse(c, http.StatusMethodNotAllowed, sentence(p.Message), nil)
	case problem.Failure:
		return refuse(c, p.Status, sentence(p.Message), nil)
	}
	return refuse(c, http.StatusInternalServerError, msgServerError, nil)
}

// withRuleErrors adds to a 422 from the schema what the company's rules
// say about the other fields, so that, as Laravel does, one answer lists
// every failing field. The body is read here only to word the refusal;
// nothing of it is stored. Only members spelled exactly as the schema
// spells them and holding strings are checked, as validation would.
func withRuleErrors(c echo.Context, errs map[string][]string) map[string][]string {
	s, _ := c.Get(storeKey).(*Store)
	co, _ := c.Get(companyKey).(*company)
	var raw map[string]any
	if s == nil || co == nil || json.Unmarshal(validation.Body(c), &raw) != nil {
		return errs
	}
	text := func(field string) *string {
		if _, refused := errs[field]; refused {
			return nil
		}
		if v, ok := raw[field].(string); ok {
			return &v
		}
		return nil
	}
	if v, ok := raw[fClientEmail].(string); ok && blank(v) && errs[fClientEmail] != nil {
		errs[fClientEmail] = []string{emptyMessage(fClientEmail)}
	}
	req := api.UpdateUserRequest{
		Username: text(fUsername), CompanyUsername: text(fCompanyUsername), ClientEmail: text(fClientEmail),
		ClientLocation: text(fLocation), ClientProgram: text(fProgram), ClientPractitioner: text(fPractitioner),
		ClientStatus: text(fStatus),
	}
	for field, msgs := range s.rules(co, c.Param("clientId"), &req) {
		errs[field] = append(errs[field], msgs...)
	}
	return errs
}

// emptyBody reports the validator's problem for a request without a body,
// which is no more JSON than a broken one.
func emptyBody(p *problem.Problem) bool {
	for _, f := range p.Fields {
		if f.In == "body" && f.Field == "body" && f.Keyword == "required" {
			return true
		}
	}
	return false
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

// fieldMessage words one failing field like the 422 rules do. Every field
// of the request body is a string, so a wrong type and null read the same.
func fieldMessage(f problem.Field) string {
	if f.In == "body" && f.Field == "body" {
		return msgNotObject
	}
	if f.In == "body" && (f.Keyword == "type" || f.Keyword == "nullable") {
		return "The " + fieldWords(f.Field) + " must be a string."
	}
	if f.In == "body" && f.Keyword == "pattern" && (f.Field == fUsername || f.Field == fCompanyUsername) {
		return emptyMessage(f.Field)
	}
	if f.In == "body" && f.Keyword == "format" && f.Field == fClientEmail {
		return msgEmailInvalid
	}
	return sentence(f.Message)
}

// sentence ends a validator message with a full stop, as the envelope's
// messages are written.
func sentence(s string) string {
	if strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

// Register mounts the R1 Discover route on e behind chain: token, company and access
// check, then schema validation, then the handler.
func Register(e *echo.Echo, chain []echo.MiddlewareFunc, store StoreFunc, maxBody int64) error {
	h := &Handlers{store: store}
	validate, err := validation.ForDocument(openapi.R1Discover, Render, maxBody)
	if err != nil {
		return err
	}
	api.RegisterHandlers(routing.With(e, append(chain[:len(chain):len(chain)], h.Authorize, validate)...), h)
	return nil
}
