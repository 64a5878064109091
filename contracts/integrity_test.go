package contracts_test

import (
	"net/http"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/vendorsuite/contracts/contracts/support"
	cl2capi "github.com/vendorsuite/contracts/generated/cl2c"
)

// Integrity: values a vendor would refuse are refused in its envelope,
// undeclared members are never applied, unknown paths get the vendor's
// 404, and the state a target reaches exports and reloads.
var _ = Describe("Integrity", func() {
	Describe("Care360 values the vendor would refuse", Label(support.Care360, support.LabelInferred), func() {
		var u support.C360User
		BeforeEach(func() {
			u = targets.Care360().User("an unlocked USER of the key's organization with a profile",
				targets.Care360().InOrg(), support.WithRole("USER"), support.Unlocked, support.WithProfile("firstName", "dob", "phoneNumber"))
		})

		DescribeTable("UPDATE_PROFILE",
			func(field string, value any, message string) {
				expectC360Error(c360(c360Profile(map[string]any{"email": u.Email, field: value})), 400, message)
			},
			Entry("an empty phone number", "phoneNumber", "", "data.phoneNumber must not be empty"),
			Entry("30 February", "dob", "1995-02-30", "data.dob must be a date in YYYY-MM-DD format"),
			Entry("a first name of spaces", "firstName", "   ", "data.firstName must not be blank"),
			Entry("an empty last name", "lastName", "", "data.lastName must not be blank"),
		)

		DescribeTable("UPDATE_EMAIL",
			func(newEmail func() string) {
				expectC360Error(c360(c360Email(u.Email, newEmail())), 400, "data.newEmail must be an email address")
			},
			Entry("an empty newEmail", func() string { return "" }),
			Entry("a newEmail that is no address", func() string { return "not-an-email" }),
			Entry("a padded copy of another user's email", func() string {
				other := targets.Care360().User("another user", support.Other(u))
				return " " + other.Email + " "
			}),
		)

		It("ignores a member in another case and stores nothing of it", Label(support.LabelMutating), Serial, func() {
			resp := c360(c360Profile(map[string]any{"email": u.Email, "DOB": "garbage", "FirstName": ""}))
			user := c360UpdatedProfile(resp)
			Expect(user.Dob).To(HaveValue(Equal(*u.Dob+"T00:00:00.000Z")), "%s", resp)
			Expect(user.FirstName).To(HaveValue(Equal(*u.FirstName)), "%s", resp)
		})

		It("accepts postal codes and states the page only shows as examples", Label(support.LabelMutating), Serial, func() {
			DeferCleanup(restoreProfile, readProfile(u.Email, "postalCode", "state", "country"))
			resp := c360(c360Profile(map[string]any{"email": u.Email, "postalCode": "K1A 0B1", "state": "on", "country": "ca"}))
			user := c360UpdatedProfile(resp)
			Expect(user.PostalCode).To(HaveValue(Equal("K1A 0B1")), "%s", resp)
			Expect(user.State).To(HaveValue(Equal("on")), "%s", resp)
		})
	})

	Describe("CL2C values the vendor would refuse", Label(support.CL2C, support.LabelInferred), func() {
		It("refuses a field named in another case, under the name sent", func() {
			u := cl2cUserWithProfile()
			resp := cl2cPut(u, map[string]any{"id": u.Id, "firstName": *u.FirstName, "lastName": *u.LastName, "PhoneNumber": "12-34"})
			expectProblem(resp, map[string][]string{"PhoneNumber": {"PhoneNumber is not a field; the field is spelled phoneNumber"}})
		})
		It("takes a first name of spaces for a missing one", func() {
			u := cl2cUserWithProfile()
			resp := cl2cPut(u, map[string]any{"id": u.Id, "firstName": " \t ", "lastName": *u.LastName})
			expectProblem(resp, map[string][]string{"firstName": {"First name is required"}})
		})
	})

	Describe("R1 Discover in Laravel's order", Label(support.R1Discover, support.LabelInferred), func() {
		var u support.R1User
		BeforeEach(func() { u = targets.R1().User("a user with every field", support.R1Complete) })

		It("answers an unknown client with 404 whatever the body", func() {
			for _, body := range []string{`{`, `{"username":5,"client_email":"x"}`, `[]`} {
				raw := body
				resp := targets.Do(support.R1Discover, support.Request{Method: http.MethodPut, Path: r1Path(u.Company.Id, "contract-suite-nobody"), Raw: &raw,
					Header: http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + u.Token}}})
				expectR1(resp, http.StatusNotFound, r1Error("User contract-suite-nobody not found in company "+strconv.Itoa(u.Company.Id)+".", nil))
			}
		})
		It("answers in JSON without Accept: application/json", func() {
			resp := targets.Do(support.R1Discover, support.Request{Method: http.MethodPut, Path: r1Path(u.Company.Id, u.ClientId),
				JSON: map[string]any{"client_status": "paused"}, Header: http.Header{"Authorization": {"Bearer " + u.Token}}})
			expectR1(resp, http.StatusUnprocessableEntity, r1Error("The given data was invalid.", map[string][]string{"client_status": {"The selected client status is invalid."}}))
		})
		It("refuses a username of spaces and an email with spaces around it", func() {
			resp := r1Put(u, map[string]any{"username": "  ", "client_email": " " + *u.Email})
			expectR1(resp, http.StatusUnprocessableEntity, r1Error("The given data was invalid.", map[string][]string{
				"username":     {"The username field must not be empty."},
				"client_email": {"The client email must be a valid email address."},
			}))
		})
		It("ignores members in another case", Label(support.LabelMutating), Serial, func() {
			resp := r1Put(u, map[string]any{"Username": "", "CLIENT_EMAIL": "nope"})
			expectR1(resp, http.StatusOK, r1Success(*u.Username, *u.Email))
		})
	})

	Describe("unknown paths under a vendor's paths", Label(support.LabelInferred), func() {
		// The documents describe operations, not unknown paths: these
		// answers are checked exactly, not against a document.
		exchange := func(vendor string, r support.Request) *support.Response {
			GinkgoHelper()
			resp, err := targets.Exchange(vendor, r)
			Expect(err).NotTo(HaveOccurred())
			return resp
		}
		It("gets Care360's envelope of the method", Label(support.Care360), func() {
			resp := exchange(support.Care360, support.Request{Method: http.MethodGet, Path: "/api/v1/nope", Header: http.Header{"Cv-Api-Key": {targets.Care360().Key()}}})
			Expect(resp.Status).To(Equal(http.StatusNotFound), "%s", resp)
			Expect(resp.Body).To(MatchJSON(`{"status":404,"success":false,"error":"No operation at /api/v1/nope","code":"NOT_FOUND"}`), "%s", resp)
			resp = exchange(support.Care360, support.Request{Method: http.MethodPost, Path: "/api/v1/nope", JSON: map[string]any{}, Header: http.Header{"Cv-Api-Key": {targets.Care360().Key()}}})
			Expect(resp.Status).To(Equal(http.StatusNotFound), "%s", resp)
			Expect(resp.Body).To(MatchJSON(`{"status":404,"success":false,"message":"No operation at /api/v1/nope"}`), "%s", resp)
		})
		It("gets CL2C's default error", Label(support.CL2C), func() {
			resp := exchange(support.CL2C, support.Request{Method: http.MethodGet, Path: "/v1/cl2c/other"})
			Expect(resp.Status).To(Equal(http.StatusNotFound), "%s", resp)
			// No operation describes the path, so there is no parser for it;
			// the body is the document's DefaultError all the same.
			var got cl2capi.DefaultError
			resp.Decode(&got)
			Expect(got.Messages).To(ConsistOf("No operation at /v1/cl2c/other."), "%s", resp)
			Expect(got.StatusCode).To(Equal(http.StatusNotFound), "%s", resp)
			Expect(got.Exception).To(Equal("System.Collections.Generic.KeyNotFoundException"), "%s", resp)
		})
		It("gets R1 Discover's envelope", Label(support.R1Discover), func() {
			resp := exchange(support.R1Discover, support.Request{Method: http.MethodPut, Path: "/api/v1/companies/1/users", JSON: map[string]any{}})
			Expect(resp.Status).To(Equal(http.StatusNotFound), "%s", resp)
			// No operation describes the path, so no parser reads it; the
			// expected body is still built from the document's ErrorResponse.
			Expect(resp.Body).To(MatchJSON(r1Error("No operation at /api/v1/companies/1/users.", nil)), "%s", resp)
		})
	})

	It("leaves a state that exports, re-imports and exports the same", Label(support.LabelMutating), Serial, func() {
		for _, v := range support.Vendors {
			if tg := targets.Target(v); !tg.Control || !tg.Mutations {
				Skip("needs every target's mock control API and mutations allowed")
			}
		}
		get := func() *support.Response {
			resp := targets.Do(support.Care360, support.Request{Method: http.MethodGet, Path: "/__mock/state"})
			Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
			return resp
		}
		first := get()
		raw := string(first.Body)
		put := targets.Do(support.Care360, support.Request{Method: http.MethodPut, Path: "/__mock/state", Raw: &raw})
		Expect(put.Status).To(Equal(http.StatusOK), "%s", put)
		Expect(get().Body).To(MatchJSON(first.Body))
	})
})
