package contracts_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/vendorsuite/contracts/contracts/support"
)

const cl2cPath = "/v1/cl2c/user"

// cl2cPut sends a profile update for u's tenant with the tenant's first key.
func cl2cPut(u support.Cl2cUser, body any) *support.Response {
	GinkgoHelper()
	return targets.Do(support.CL2C, support.Cl2cUpdate(u, body))
}

// cl2cExpected is the user as the 200 answer shows it.
func cl2cExpected(u support.Cl2cUser, firstName, lastName string, phone *string) map[string]any {
	s := func(p *string) any {
		if p == nil {
			return nil
		}
		return *p
	}
	b := func(p *bool) bool { return p != nil && *p }
	return map[string]any{
		"id": u.Id, "userName": s(u.UserName), "firstName": firstName, "lastName": lastName, "email": s(u.Email),
		"emailConfirmed": b(u.EmailConfirmed), "authenticated": b(u.Authenticated), "authValidUpto": s(u.AuthValidUpto),
		"authLocation": s(u.AuthLocation), "phoneNumber": s(phone), "walletAddress": s(u.WalletAddress),
	}
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
	m := resp.Map()
	Expect(m).To(HaveLen(6), "%s", resp)
	Expect(m).To(HaveKeyWithValue("type", "https://example.com/error"), "%s", resp)
	Expect(m).To(HaveKeyWithValue("title", "Invalid Request"), "%s", resp)
	Expect(m).To(HaveKeyWithValue("status", BeNumerically("==", 400)), "%s", resp)
	Expect(m).To(HaveKeyWithValue("detail", "The request parameters are incorrect."), "%s", resp)
	Expect(m).To(HaveKeyWithValue("instance", Not(BeEmpty())), "%s", resp)
	Expect(mustJSON(m["errors"])).To(MatchJSON(mustJSON(errs)), "%s", resp)
}

// expectDefaultError checks the page's default error shape, with status
// and messages exactly.
func expectDefaultError(resp *support.Response, status int, exception string, messages ...string) {
	GinkgoHelper()
	Expect(resp.Status).To(Equal(status), "%s", resp)
	m := resp.Map()
	Expect(m).To(HaveLen(6), "%s", resp)
	Expect(mustJSON(m["messages"])).To(MatchJSON(mustJSON(messages)), "%s", resp)
	Expect(m).To(HaveKeyWithValue("source", "API Gateway"), "%s", resp)
	Expect(m).To(HaveKeyWithValue("exception", exception), "%s", resp)
	Expect(m).To(HaveKeyWithValue("errorId", MatchRegexp(`^error-[0-9a-f]{16}$`)), "%s", resp)
	Expect(m).To(HaveKeyWithValue("supportMessage", "Please contact support with this error ID."), "%s", resp)
	Expect(m).To(HaveKeyWithValue("statusCode", BeNumerically("==", status)), "%s", resp)
}

var _ = Describe("CL2C update user API", Label(support.CL2C), func() {
	Describe("PUT /v1/cl2c/user", func() {
		It("answers the updated user in the page's shape", Label(support.LabelMutating), Serial, func() {
			u := cl2cUserWithProfile()
			DeferCleanup(restoreCl2c, u)
			phone := "+19998887766"
			resp := cl2cPut(u, map[string]any{"id": u.Id, "firstName": "Contract", "lastName": "Suite", "phoneNumber": phone})
			Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
			Expect(resp.Body).To(MatchJSON(mustJSON(cl2cExpected(u, "Contract", "Suite", &phone))), "%s", resp)
		})

		// The answer never shows the push token and nothing clears it, so a
		// spec that sets one cannot put the old value back.
		It("accepts a push token without showing it", Label(support.LabelMutating, support.LabelIrreversible), Serial, func() {
			u := cl2cUserWithProfile()
			DeferCleanup(restoreCl2c, u)
			resp := cl2cPut(u, map[string]any{"id": u.Id, "firstName": *u.FirstName, "lastName": *u.LastName, "pushToken": "contract-push-token"})
			Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
			Expect(resp.Body).To(MatchJSON(mustJSON(cl2cExpected(u, *u.FirstName, *u.LastName, u.PhoneNumber))), "%s", resp)
		})

		It("accepts the page's JavaScript example as written", Label(support.LabelMutating, support.LabelIrreversible), Serial, func() {
			u := targets.Cl2c().User("CL2C user user_id in tenant your-tenant-id with key your-api-key (the page's JavaScript example)",
				support.Cl2cTenantID("your-tenant-id"), support.Cl2cUserID("user_id"), support.Cl2cUserWithNames,
				func(u support.Cl2cUser) bool { return u.Tenant.ApiKeys[0] == "your-api-key" })
			DeferCleanup(restoreCl2c, u)
			body := `{"id":"user_id","firstName":"John","lastName":"Doe","phoneNumber":"+1234567890","pushToken":"push_token_example"}`
			resp := targets.Do(support.CL2C, support.Cl2cUpdate(u, nil).WithRaw(body))
			Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
			Expect(resp.Body).To(MatchJSON(mustJSON(cl2cExpected(u, "John", "Doe", ptr("+1234567890")))), "%s", resp)
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
			Expect(resp.Map()).To(SatisfyAll(
				HaveKeyWithValue("messages", Not(BeEmpty())), HaveKeyWithValue("source", BeAssignableToTypeOf("")),
				HaveKeyWithValue("exception", BeAssignableToTypeOf("")), HaveKeyWithValue("errorId", BeAssignableToTypeOf("")),
				HaveKeyWithValue("supportMessage", BeAssignableToTypeOf("")), HaveKeyWithValue("statusCode", BeNumerically("==", resp.Status)),
			), "%s", resp)
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
