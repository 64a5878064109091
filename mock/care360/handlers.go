package care360

import (
	"net/http"

	"github.com/labstack/echo/v4"

	api "github.com/vendorsuite/contracts/generated/care360"
	"github.com/vendorsuite/contracts/mock/jsonresp"
	"github.com/vendorsuite/contracts/mock/problem"
	"github.com/vendorsuite/contracts/mock/routing"
	"github.com/vendorsuite/contracts/mock/validation"
	"github.com/vendorsuite/contracts/openapi"
)

// APIKeyHeader carries the key that decides the organization.
const APIKeyHeader = "cv-api-key"

// apiKeyHeaderKey is APIKeyHeader in canonical form, which header look-ups
// take without allocating.
var apiKeyHeaderKey = http.CanonicalHeaderKey(APIKeyHeader)

// missingKeyBody is the get-users page's body for a missing or invalid key.
// It has the members of a refused query, so it is written by the same
// encoder; the differential tests hold it to api.MissingApiKeyError.
var missingKeyBody = &queryAnswer{Status: 400, Success: false, Error: "Missing cv-api-key header", Code: "CASE_ERROR"}

// StoreFunc finds the store that serves a request (the default world or a
// session's).
type StoreFunc = func(c echo.Context) *Store

// Handlers implements the generated Care360 server interface over a store.
type Handlers struct {
	store StoreFunc
}

var _ api.ServerInterface = (*Handlers)(nil)

const orgKey = "care360.org"

// Authenticate answers a missing or unknown cv-api-key with the documented
// body before anything else is looked at, and remembers the organization.
func (h *Handlers) Authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		o := h.store(c).orgForKey(c.Request().Header.Get(apiKeyHeaderKey))
		if o == nil {
			return jsonresp.SendJSON(c, http.StatusBadRequest, missingKeyBody.AppendJSON)
		}
		c.Set(orgKey, o)
		return next(c)
	}
}

// GetUsers serves GET /api/v1/users.
func (h *Handlers) GetUsers(c echo.Context, params api.GetUsersParams) error {
	q := listQuery{limit: DefaultLimit}
	if params.Limit != nil {
		q.limit = *params.Limit
	}
	if params.Email != nil {
		q.prefix = emailKey(*params.Email)
	}
	switch {
	case params.SortOrder != nil:
		q.desc = *params.SortOrder == api.GetUsersParamsSortOrderDesc
	case params.SorOrder != nil:
		q.desc = *params.SorOrder == api.GetUsersParamsSorOrderDesc
	}
	if params.After != nil {
		p, err := DecodeCursor(*params.After)
		if err != nil {
			return refuseQuery(c, http.StatusBadRequest, err.Error())
		}
		q.after = &p
	}
	return jsonresp.SendJSON(c, http.StatusOK, (&usersPage{store: h.store(c), org: c.Get(orgKey).(*org), query: q}).AppendJSON)
}

// UpdateUser serves POST /api/v1/users, both actions.
func (h *Handlers) UpdateUser(c echo.Context) error {
	// The validator has checked the body against the oneOf already, kept
	// only the members it declares and named the action it took: decode
	// the body once, into that action's request.
	o := c.Get(orgKey).(*org)
	store := h.store(c)
	switch action := validation.Discriminator(c); action {
	case string(api.UPDATEPROFILE):
		var req api.UpdateProfileRequest
		if err := validation.Decode(c, &req); err != nil {
			return refuse(c, http.StatusBadRequest, "The request body could not be read: "+err.Error())
		}
		u, refusal := store.updateProfile(o, &req.Data)
		if refusal != nil {
			return refuse(c, http.StatusBadRequest, refusal.Message)
		}
		return jsonresp.SendJSON(c, http.StatusOK, (&profileUpdated{user: u}).AppendJSON)
	case string(api.UPDATEEMAIL):
		var req api.UpdateEmailRequest
		if err := validation.Decode(c, &req); err != nil {
			return refuse(c, http.StatusBadRequest, "The request body could not be read: "+err.Error())
		}
		u, refusal := store.updateEmail(o, &req.Data)
		if refusal != nil {
			return refuse(c, http.StatusBadRequest, refusal.Message)
		}
		return jsonresp.SendJSON(c, http.StatusOK, (&emailUpdated{user: u}).AppendJSON)
	case "":
		return refuse(c, http.StatusBadRequest, "action is required")
	}
	return refuse(c, http.StatusBadRequest, "action must be one of UPDATE_EMAIL, UPDATE_PROFILE")
}

// refuse writes Care360's error envelope.
func refuse(c echo.Context, status int, message string) error {
	return jsonresp.SendJSON(c, status, (&errorAnswer{Status: status, Success: false, Message: message}).AppendJSON)
}

// refuseQuery writes a refused GET in the envelope of the get-users page's
// documented error, with a code naming the kind of refusal.
func refuseQuery(c echo.Context, status int, message string) error {
	return jsonresp.SendJSON(c, status, (&queryAnswer{Status: status, Success: false, Error: message, Code: queryCode(status)}).AppendJSON)
}

func queryCode(status int) string {
	switch {
	case status == http.StatusNotFound:
		return "NOT_FOUND"
	case status == http.StatusMethodNotAllowed:
		return "METHOD_NOT_ALLOWED"
	case status == http.StatusTooManyRequests:
		return "RATE_LIMITED"
	case status == http.StatusServiceUnavailable:
		return "UNAVAILABLE"
	case status >= 500:
		return "SERVER_ERROR"
	}
	return "VALIDATION_ERROR"
}

// Render writes a refusal in Care360's envelope: the get-users page's for
// GET requests, the update pages' for every other method.
func Render(c echo.Context, p *problem.Problem) error {
	if c.Request().Method == http.MethodGet || c.Request().Method == http.MethodHead {
		return refuseQuery(c, p.Status, p.FieldMessages())
	}
	return refuse(c, p.Status, p.FieldMessages())
}

// Register mounts the Care360 routes on e behind chain: key check, then schema
// validation, then the handlers.
func Register(e *echo.Echo, chain []echo.MiddlewareFunc, store StoreFunc, maxBody int64) error {
	h := &Handlers{store: store}
	validate, err := validation.ForDocument(openapi.Care360, Render, maxBody)
	if err != nil {
		return err
	}
	api.RegisterHandlers(queryBinding{routing.With(e, append(chain[:len(chain):len(chain)], h.Authenticate, validate)...), h}, h)
	return nil
}

// queryBinding mounts GET /api/v1/users behind a handler that takes the
// query parameters from the validator when it accepted them as sent
// (validation.BindQuery), and leaves any other query to the generated
// binder.
type queryBinding struct {
	api.EchoRouter
	h *Handlers
}

func (r queryBinding) GET(path string, generated echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	if path != "/api/v1/users" {
		return r.EchoRouter.GET(path, generated, m...)
	}
	return r.EchoRouter.GET(path, func(c echo.Context) error {
		var params api.GetUsersParams
		if validation.BindQuery(c, &params) {
			return r.h.GetUsers(c, params)
		}
		return generated(c)
	}, m...)
}
