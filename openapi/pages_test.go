package openapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/vendorsuite/contracts/openapi"
	"github.com/vendorsuite/contracts/openapi/pageexamples"
)

// The vendor pages' own request and response examples, as the pages print
// them (JSON bodies only; placeholders such as <cursor> kept).
type pageExample struct {
	name     string
	document string
	method   string
	url      string
	header   map[string]string
	request  string // empty: no body
	status   int
	response string
}

var care360Key = map[string]string{"cv-api-key": "<redacted>", "Content-Type": "application/json"}

var pageExamples = []pageExample{
	{
		name: "care360 update profile", document: openapi.Care360,
		method: http.MethodPost, url: "https://api.care360-next.carevalidate.com/api/v1/users", header: care360Key,
		request: pageexamples.Care360ProfileBody, status: 200,
		response: pageexamples.Care360ProfileResponse,
	},
	{
		name: "care360 update profile error", document: openapi.Care360,
		method: http.MethodPost, url: "https://api.care360-next.carevalidate.com/api/v1/users", header: care360Key,
		request: pageexamples.Care360ProfileBody, status: 400,
		response: pageexamples.Care360LockedResponse,
	},
	{
		name: "care360 update email", document: openapi.Care360,
		method: http.MethodPost, url: "https://api.care360-next.carevalidate.com/api/v1/users", header: care360Key,
		request:  pageexamples.Care360EmailRequest,
		status:   200,
		response: pageexamples.Care360EmailResponse,
	},
	{
		name: "care360 get users", document: openapi.Care360,
		method: http.MethodGet, url: "https://api.care360-next.carevalidate.com/api/v1/users?limit=10&after=" + pageexamples.Care360GetUsersCursor,
		header: map[string]string{"cv-api-key": "<redacted>"}, status: 200,
		response: pageexamples.Care360GetUsersResponse,
	},
	{
		name: "care360 get users missing key", document: openapi.Care360,
		method: http.MethodGet, url: "https://api.care360-next.carevalidate.com/api/v1/users", status: 400,
		response: pageexamples.Care360MissingKeyResponse,
	},
	{
		name: "cl2c update user", document: openapi.CL2C,
		method: http.MethodPut, url: "/v1/cl2c/user",
		header:   map[string]string{"tenant": "your-tenant-id", "X-API-Key": "your-api-key", "Content-Type": "application/json"},
		request:  pageexamples.CL2CRequest,
		status:   200,
		response: pageexamples.CL2CResponse,
	},
	{
		name: "cl2c validation error", document: openapi.CL2C,
		method: http.MethodPut, url: "/v1/cl2c/user",
		header:   map[string]string{"tenant": "your-tenant-id", "X-API-Key": "your-api-key", "Content-Type": "application/json"},
		request:  `{"id": "user_id", "firstName": "John", "lastName": "Doe", "phoneNumber": "+1234567890", "pushToken": "push_token_example"}`,
		status:   400,
		response: pageexamples.CL2CValidationResponse,
	},
	{
		name: "cl2c default error", document: openapi.CL2C,
		method: http.MethodPut, url: "/v1/cl2c/user",
		header:   map[string]string{"tenant": "your-tenant-id", "X-API-Key": "your-api-key", "Content-Type": "application/json"},
		request:  `{"id": "user_id", "firstName": "John", "lastName": "Doe"}`,
		status:   500,
		response: pageexamples.CL2CDefaultErrorResponse,
	},
	{
		name: "r1discover update user", document: openapi.R1Discover,
		method: http.MethodPut, url: "https://api.r1learning.com/api/v1/companies/1/users/abcxyz123456",
		header: map[string]string{"Content-Type": "application/json", "Accept": "application/json", "Authorization": "Bearer {token}"},
		// The page's curl --data string with its shell escaping undone.
		request:  pageexamples.R1Request,
		status:   200,
		response: pageexamples.R1Response,
	},
}

func TestCare360CurlExampleIsMalformedJSON(t *testing.T) {
	var v any
	if err := json.Unmarshal([]byte(pageexamples.Care360ProfileCurlBody), &v); err == nil {
		t.Fatal("the page's curl body parsed; the page defect this suite relies on is gone")
	}
	if err := json.Unmarshal([]byte(pageexamples.Care360ProfileBody), &v); err != nil {
		t.Fatalf("the mended body does not parse: %v", err)
	}
}

func TestPageExamplesMatchDocuments(t *testing.T) {
	for _, ex := range pageExamples {
		t.Run(ex.name, func(t *testing.T) {
			doc, err := openapi.Load(ex.document)
			if err != nil {
				t.Fatal(err)
			}
			router, err := gorillamux.NewRouter(doc)
			if err != nil {
				t.Fatal(err)
			}
			var body io.Reader
			if ex.request != "" {
				body = strings.NewReader(ex.request)
			}
			req := httptest.NewRequest(ex.method, ex.url, body)
			for k, v := range ex.header {
				req.Header.Set(k, v)
			}
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatalf("no route: %v", err)
			}
			in := &openapi3filter.RequestValidationInput{
				Request: req, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
			}
			if err := openapi3filter.ValidateRequest(t.Context(), in); err != nil {
				t.Errorf("request does not match the document: %v", err)
			}
			out := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: in,
				Status:                 ex.status,
				Header:                 http.Header{"Content-Type": []string{"application/json"}},
				Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
			}
			out.SetBodyBytes([]byte(ex.response))
			if err := openapi3filter.ValidateResponse(t.Context(), out); err != nil {
				t.Errorf("response does not match the document: %v", err)
			}
			if !json.Valid(bytes.TrimSpace([]byte(ex.response))) {
				t.Error("response example is not JSON")
			}
		})
	}
}
