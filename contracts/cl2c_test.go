package contracts_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/vendorsuite/contracts/contracts/support"
	cl2capi "github.com/vendorsuite/contracts/generated/cl2c"
)

const cl2cPath = "/v1/cl2c/user"

// cl2cPut sends a profile update for u's tenant with the tenant's first key.
func cl2cPut(u support.Cl2cUser, body any) *support.Response {
	GinkgoHelper()
	return targets.Do(support.CL2C, support.Cl2cUpdate(u, body))
}

// cl2cExpected is the whole 200 answer for u, as the document's User: a
// renamed or retyped member fails to compile here, and the raw body is
// still compared whole.
func cl2cExpected(u support.Cl2cUser, firstName, lastName string, phone *string) string {
	b := func(p *bool) bool { return p != nil && *p }
	return mustJSON(cl2capi.User{
		Id: u.Id, UserName: deref(u.UserName), FirstName: firstName, LastName: lastName, Email: deref(u.Email),
		EmailConfirmed: b(u.EmailConfirmed), Authenticated: b(u.Authenticated), AuthValidUpto: u.AuthValidUpto,
		AuthLocation: u.AuthLocation, PhoneNumber: phone, WalletAddress: u.WalletAddress,
	})
}

// cl2cAnswer reads the answer with the generated client's parser.
func cl2cAnswer(resp *support.Response) *cl2capi.UpdateUserResponse {
	GinkgoHelper()
	return support.Parse(resp, cl2capi.ParseUpdateUserResponse)
}

// cl2cDefaultError reads a refusal other than 400 as the document's
// DefaultError: through the parser for the statuses the document lists,
// straight from the body for those it leaves to the default shape
// (injected faults).
func cl2cDefaultError(resp *support.Response) cl2capi.DefaultError {
	GinkgoHelper()
	a := cl2cAnswer(resp)
	var e *cl2capi.DefaultError
	switch resp.Status {
	case http.StatusUnauthorized:
		e = a.JSON401
	case http.StatusNotFound:
		e = a.JSON404
	case http.StatusRequestEntityTooLarge:
		e = a.JSON413
	case http.StatusUnsupportedMediaType:
		e = a.JSON415
	default:
		e = &cl2capi.DefaultError{}
		resp.Decode(e)
	}
	Expect(e).NotTo(BeNil(), "the %d answer is not the document's DefaultError: %s", resp.Status, resp)
	return *e
}

// restoreCl2c puts the fixture names, phone number and push token back.
func restoreCl2c(u support.Cl2cUser) {
	GinkgoHelper()
	body := map[string]any{"id": u.Id, "firstName": *u.FirstName, "lastName": *u.LastName}
	if u.PhoneNumber != nil {
		body["phoneNumber"] = *u.PhoneNumber
	}
	if u.PushToken != nil {
		body["pushToken"] = *u.PushToken
	}
	resp := cl2cPut(u, body)
	Expect(resp.Status).To(Equal(http.StatusOK), "restoring CL2C user %s: %s", u.Id, resp)
}

func cl2cUserWithProfile() support.Cl2cUser {
	GinkgoHelper()
	return targets.Cl2c().User("CL2C user with first name, last name and phone number, in a tenant with an API key",
		support.Cl2cUserWithNames, func(u support.Cl2cUser) bool { return u.UserName != nil && u.Email != nil })
}

// expectProblem checks the page's validation problem shape and the
// messages per field exactly.
func expectProblem(resp *support.Response, errs map[string][]string) {
	GinkgoHelper()
	Expect(resp.Status).To(Equal(http.StatusBadRequest), "%s", resp)
	got := cl2cAnswer(resp).JSON400
	Expect(got).NotTo(BeNil(), "the 400 answer is not the document's ValidationProblem: %s", resp)
	Expect(got.Instance).NotTo(BeEmpty(), "%s", resp)
	// The instance differs per request; everything else, and no member
	// more, is compared whole.
	want := cl2capi.ValidationProblem{Type: "https://example.com/error", Title: "Invalid Request", Status: http.StatusBadRequest,
		Detail: "The request parameters are incorrect.", Instance: got.Instance, Errors: &errs}
	Expect(resp.Body).To(MatchJSON(mustJSON(want)), "%s", resp)
}

// expectDefaultError checks the page's default error shape, with status
// and messages exactly.
func expectDefaultError(resp *support.Response, status int, exception string, messages ...string) {
	GinkgoHelper()
	Expect(resp.Status).To(Equal(status), "%s", resp)
	got := cl2cDefaultError(resp)
	Expect(got.ErrorId).To(MatchRegexp(`^error-[0-9a-f]{16}$`), "%s", resp)
	// The error id differs per answer; everything else, and no member
	// more, is compared whole.
	want := cl2capi.DefaultError{Messages: messages, Source: "API Gateway", Exception: exception, ErrorId: got.ErrorId,
		SupportMessage: "Please contact support with this error ID.", StatusCode: status}
	Expect(resp.Body).To(MatchJSON(mustJSON(want)), "%s", resp)
}

var _ = Describe("CL2C update user API", Label(support.CL2C), func() {
	Describe("PUT /v1/cl2c/user", func() {
		It("answers the updated user in the page's shape", Label(support.LabelMutating), Serial, func() {
			u := cl2cUserWithProfile()
			DeferCleanup(restoreCl2c, u)
			phone := "+19998887766"
			resp := cl2cPut(u, map[string]any{"id": u.Id, "firstName": "Contract", "lastName": "Suite", "phoneNumber": phone})
			Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
			Expect(resp.Body).To(MatchJSON(cl2cExpected(u, "Contract", "Suite", &phone)), "%s", resp)
		})

		// The answer never shows the push token and nothing clears it, so a
		// spec that sets one cannot put the old value back.
		It("accepts a push token without showing it", Label(support.LabelMutating, support.LabelIrreversible), Serial, func() {
			u := cl2cUserWithProfile()
			DeferCleanup(restoreCl2c, u)
			resp := cl2cPut(u, map[string]any{"id": u.Id, "firstName": *u.FirstName, "lastName": *u.LastName, "pushToken": "contract-push-token"})
			Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
			Expect(resp.Body).To(MatchJSON(cl2cExpected(u, *u.FirstName, *u.LastName, u.PhoneNumber)), "%s", resp)
		})

		It("accepts the page's JavaScript example as written", Label(support.LabelMutating, support.LabelIrreversible), Serial, func() {
			u := targets.Cl2c().User("CL2C user user_id in tenant your-tenant-id with key your-api-key (the page's JavaScript example)",
				support.Cl2cTenantID("your-tenant-id"), support.Cl2cUserID("user_id"), support.Cl2cUserWithNames,
				func(u support.Cl2cUser) bool { return u.Tenant.ApiKeys[0] == "your-api-key" })
			DeferCleanup(restoreCl2c, u)
			body := `{"id":"user_id","firstName":"John","lastName":"Doe","phoneNumber":"+1234567890","pushToken":"push_token_example"}`
			resp := targets.Do(support.CL2C, support.Cl2cUpdate(u, nil).WithRaw(body))
			Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
			Expect(resp.Body).To(MatchJSON(cl2cExpected(u, "John", "Doe", ptr("+1234567890"))), "%s", resp)
		})

		DescribeTable("answers a body that fails validation with the page's problem details",
			func(body func(support.Cl2cUser) map[string]any, errs map[string][]string) {
				u := cl2cUserWithProfile()
				expectProblem(cl2cPut(u, body(u)), errs)
			},
			Entry("the page's example: no first name, bad phone number", Label(support.LabelDocumentedError),
				func(u support.Cl2cUser) map[string]any {
					return map[string]any{"id": u.Id, "lastName": "Doe", "phoneNumber": "12-34"}
				},
				map[string][]string{"firstName": {"First name is required"}, "phoneNumber": {"Invalid phone number format"}}),
			Entry("an empty first name", Label(support.LabelDocumentedError),
				func(u support.Cl2cUser) map[string]any {
					return map[string]any{"id": u.Id, "firstName": "", "lastName": "Doe"}
				},
				map[string][]string{"firstName": {"First name is required"}}),
			Entry("no last name", Label(support.LabelInferred),
				func(u support.Cl2cUser) map[string]any { return map[string]any{"id": u.Id, "firstName": "John"} },
				map[string][]string{"lastName": {"Last name is required"}}),
			Entry("no id", Label(support.LabelInferred),
				func(u support.Cl2cUser) map[string]any { return map[string]any{"firstName": "John", "lastName": "Doe"} },
				map[string][]string{"id": {"User id is required"}}),
		)

		It("answers a body that is not JSON with problem details", Label(support.LabelInferred), func() {
			u := cl2cUserWithProfile()
			resp := targets.Do(support.CL2C, support.Cl2cUpdate(u, nil).WithRaw(`{"id":`))
			expectProblem(resp, map[string][]string{"body": {"The request body is not valid JSON."}})
		})

		It("answers other failures in the page's default error shape", Label(support.LabelDocumentedError), func() {
			u := cl2cUserWithProfile()
			resp := targets.Do(support.CL2C, support.Request{Method: http.MethodPut, Path: cl2cPath,
				JSON:   map[string]any{"id": u.Id, "firstName": "John", "lastName": "Doe"},
				Header: http.Header{"Tenant": {u.Tenant.Id}}})
			Expect(resp.Status).NotTo(Equal(http.StatusOK), "%s", resp)
			Expect(resp.Status).NotTo(Equal(http.StatusBadRequest), "%s", resp)
			got := cl2cDefaultError(resp)
			Expect(got.Messages).NotTo(BeEmpty(), "%s", resp)
			Expect(got.StatusCode).To(Equal(resp.Status), "%s", resp)
		})

		DescribeTable("refuses",
			func(setup func(u support.Cl2cUser) (support.Request, int, string, string)) {
				u := cl2cUserWithProfile()
				r, status, exception, message := setup(u)
				if r.Method == "" {
					r.Build = support.Cl2cUpdate(u, nil).Build
				}
				expectDefaultError(targets.Do(support.CL2C, r), status, exception, message)
			},
			Entry("a request without a tenant", Label(support.LabelInferred), func(u support.Cl2cUser) (support.Request, int, string, string) {
				return support.Request{JSON: map[string]any{"id": u.Id, "firstName": "John", "lastName": "Doe"},
					Header: http.Header{"X-Api-Key": {u.Tenant.ApiKeys[0]}}}, 401, "System.UnauthorizedAccessException", "Invalid tenant or API key."
			}),
			Entry("a request without an API key", Label(support.LabelInferred), func(u support.Cl2cUser) (support.Request, int, string, string) {
				return support.Request{JSON: map[string]any{"id": u.Id, "firstName": "John", "lastName": "Doe"},
					Header: http.Header{"Tenant": {u.Tenant.Id}}}, 401, "System.UnauthorizedAccessException", "Invalid tenant or API key."
			}),
			Entry("an API key of another tenant", Label(support.LabelInferred), func(u support.Cl2cUser) (support.Request, int, string, string) {
				return support.Request{JSON: map[string]any{"id": u.Id, "firstName": "John", "lastName": "Doe"},
					Header: http.Header{"Tenant": {u.Tenant.Id}, "X-Api-Key": {targets.Cl2c().OtherKey(u.Tenant)}}}, 401, "System.UnauthorizedAccessException", "Invalid tenant or API key."
			}),
			Entry("an unknown tenant", Label(support.LabelInferred), func(u support.Cl2cUser) (support.Request, int, string, string) {
				return support.Request{JSON: map[string]any{"id": u.Id, "firstName": "John", "lastName": "Doe"},
					Header: http.Header{"Tenant": {"contract-suite-no-such-tenant"}, "X-Api-Key": {u.Tenant.ApiKeys[0]}}}, 401, "System.UnauthorizedAccessException", "Invalid tenant or API key."
			}),
			Entry("an id no user of the tenant has", Label(support.LabelInferred), func(u support.Cl2cUser) (support.Request, int, string, string) {
				return support.Request{JSON: map[string]any{"id": "contract-suite-no-such-user", "firstName": "John", "lastName": "Doe"},
					Header: http.Header{"Tenant": {u.Tenant.Id}, "X-Api-Key": {u.Tenant.ApiKeys[0]}}}, 404, "System.Collections.Generic.KeyNotFoundException", "User contract-suite-no-such-user not found."
			}),
			Entry("a body sent as text/plain", Label(support.LabelInferred), func(u support.Cl2cUser) (support.Request, int, string, string) {
				return support.Request{Raw: ptr(`{"id":"` + u.Id + `","firstName":"John","lastName":"Doe"}`), ContentType: "text/plain",
					Header: http.Header{"Tenant": {u.Tenant.Id}, "X-Api-Key": {u.Tenant.ApiKeys[0]}}}, 415, "System.NotSupportedException", "Content-Type must be application/json."
			}),
		)
	})
})
