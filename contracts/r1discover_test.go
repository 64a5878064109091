package contracts_test

import (
	"fmt"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/vendorsuite/contracts/contracts/support"
	r1api "github.com/vendorsuite/contracts/generated/r1discover"
)

func r1Path(company any, clientID string) string {
	return fmt.Sprintf("/api/v1/companies/%v/users/%s", company, clientID)
}

// r1Put sends body for u with its company's token.
func r1Put(u support.R1User, body any) *support.Response {
	GinkgoHelper()
	return targets.Do(support.R1Discover, support.R1Update(u, body))
}

// The expected answers are the document's types, marshalled: a renamed or
// retyped response member fails to compile here, and the raw body is
// still compared whole.

// r1Success is the whole 200 answer.
func r1Success(username, email string) string {
	return mustJSON(r1api.UpdateUserResponse{Error: 0, Message: "User updated successfully",
		Data: r1api.UpdatedUser{Username: username, Email: email}})
}

// r1Error is the whole error answer, with errs per field for a 422.
func r1Error(message string, errs map[string][]string) string {
	e := r1api.ErrorResponse{Error: 1, Message: message}
	if errs != nil {
		e.Errors = &errs
	}
	return mustJSON(e)
}

// expectR1 checks the status, that the generated client's parser reads
// the answer as the document's type for that status, and the body exactly.
func expectR1(resp *support.Response, status int, want string) {
	GinkgoHelper()
	Expect(resp.Status).To(Equal(status), "%s", resp)
	a := support.Parse(resp, r1api.ParseUpdateCompanyUserResponse)
	var typed bool
	switch status {
	case http.StatusOK:
		typed = a.JSON200 != nil
	case http.StatusBadRequest:
		typed = a.JSON400 != nil
	case http.StatusUnauthorized:
		typed = a.JSON401 != nil
	case http.StatusForbidden:
		typed = a.JSON403 != nil
	case http.StatusNotFound:
		typed = a.JSON404 != nil
	case http.StatusRequestEntityTooLarge:
		typed = a.JSON413 != nil
	case http.StatusUnsupportedMediaType:
		typed = a.JSON415 != nil
	case http.StatusUnprocessableEntity:
		typed = a.JSON422 != nil
	}
	Expect(typed).To(BeTrue(), "the document has no type for a %d answer, or the parser did not read it: %s", status, resp)
	Expect(resp.Body).To(MatchJSON(want), "%s", resp)
}

// restoreR1 puts the fixture values of u back.
func restoreR1(u support.R1User) {
	GinkgoHelper()
	body := map[string]any{}
	set := func(k string, p *string) {
		if p != nil {
			body[k] = *p
		}
	}
	set("username", u.Username)
	set("company_username", u.CompanyUsername)
	set("client_email", u.Email)
	set("client_location", u.Location)
	set("client_program", u.Program)
	set("client_practitioner", u.Practitioner)
	set("client_status", u.Status)
	resp := r1Put(u, body)
	Expect(resp.Status).To(Equal(http.StatusOK), "restoring R1 user %s: %s", u.ClientId, resp)
}

func r1Complete() support.R1User {
	GinkgoHelper()
	return targets.R1().User("R1 Discover user with every field set, in a company a token manages", support.R1Complete)
}

var _ = Describe("R1 Discover update user API", Label(support.R1Discover), func() {
	Describe("PUT /api/v1/companies/{companyId}/users/{clientId}", func() {
		It("accepts the page's request with one working value per field", Label(support.LabelMutating), Serial, func() {
			u := targets.R1().User("R1 Discover user abcxyz123456 of company 1 (the page example's user)", support.R1Client(1, "abcxyz123456"), support.R1Complete)
			for field, value := range map[string]string{"username": "xyz123", "email": "client@example.com"} {
				if targets.R1().Known(field, value) && (field != "username" || *u.Username != value) && (field != "email" || *u.Email != value) {
					support.Skip(fmt.Sprintf("fixtures give the page example's %s %s to another user", field, value))
				}
			}
			DeferCleanup(restoreR1, u)
			body := `{"username":"xyz123","company_username":"xyz123","client_email":"client@example.com","client_location":"Bend Treatment Center","client_program":"General","client_practitioner":"practitioner@example.com","client_status":"active"}`
			resp := targets.Do(support.R1Discover, support.Request{Method: http.MethodPut, Path: r1Path(1, "abcxyz123456"), Raw: &body,
				Header: http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + u.Token}}})
			expectR1(resp, http.StatusOK, r1Success("xyz123", "client@example.com"))
		})

		It("refuses the page's request as written, whose values are placeholders", Label(support.LabelInferred), func() {
			u := targets.R1().User("R1 Discover user abcxyz123456 of company 1 (the page example's user)", support.R1Client(1, "abcxyz123456"), support.R1Complete)
			if *u.Username != "xyz123" || *u.CompanyUsername != "xyz123" {
				support.Skip("fixtures do not give user abcxyz123456 the page example's usernames, so the example would change them")
			}
			body := "{\"username\":\"xyz123\",\"company_username\":\"xyz123\",\"client_email\":\"[email\u00a0protected]\"," +
				`"client_location":"\"Bend Treatment Center\", \"Grants Pass Treatment Center\", \"Devon\", \"etc..\"",` +
				`"client_program":"\"General\", \"PHP\", \"MSR\", \"etc..\"",` +
				"\"client_practitioner\":\"[email\u00a0protected]\"," + `"client_status":"\"active\", \"inactive\""}`
			resp := targets.Do(support.R1Discover, support.Request{Method: http.MethodPut, Path: r1Path(1, "abcxyz123456"), Raw: &body,
				Header: http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + u.Token}}})
			expectR1(resp, http.StatusUnprocessableEntity, r1Error("The given data was invalid.", map[string][]string{
				"client_email":        {"The client email must be a valid email address."},
				"client_location":     {"The selected client location is invalid."},
				"client_program":      {"The selected client program is invalid."},
				"client_practitioner": {"The selected client practitioner is invalid."},
				"client_status":       {"The selected client status is invalid."},
			}))
		})

		Describe("a sequence of updates", Ordered, Label(support.LabelMutating), Serial, func() {
			var u support.R1User
			orderedSetup(func() {
				u = r1Complete()
				DeferCleanup(restoreR1, u)
			})

			It("changes the username and answers in the page's success shape", func() {
				resp := r1Put(u, map[string]any{"username": "contract_suite_user"})
				expectR1(resp, http.StatusOK, r1Success("contract_suite_user", *u.Email))
			})

			It("then changes the email, keeping the new username", func() {
				resp := r1Put(u, map[string]any{"client_email": "contract.suite@example.com", "client_status": "inactive"})
				expectR1(resp, http.StatusOK, r1Success("contract_suite_user", "contract.suite@example.com"))
			})

			It("frees the old username for another user", func() {
				o := targets.R1().User("second R1 Discover user with every field set", support.R1Complete, support.R1Other(u))
				DeferCleanup(restoreR1, o)
				resp := r1Put(o, map[string]any{"username": *u.Username})
				expectR1(resp, http.StatusOK, r1Success(*u.Username, *o.Email))
				back := r1Put(o, map[string]any{"username": *o.Username})
				Expect(back.Status).To(Equal(http.StatusOK), "%s", back)
			})
		})

		DescribeTable("refuses",
			func(setup func(u support.R1User) (support.Request, int, string)) {
				u := r1Complete()
				r, status, want := setup(u)
				if r.Method == "" {
					r.Method = http.MethodPut
				}
				if r.Path == "" {
					r.Path = r1Path(u.Company.Id, u.ClientId)
				}
				if r.Header == nil {
					r.Header = http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + u.Token}}
				}
				resp := targets.Do(support.R1Discover, r)
				expectR1(resp, status, want)
			},
			Entry("a request without a bearer token", Label(support.LabelInferred), func(u support.R1User) (support.Request, int, string) {
				return support.Request{JSON: map[string]any{"client_status": "active"}, Header: http.Header{"Accept": {"application/json"}}}, 401, r1Error("Unauthenticated.", nil)
			}),
			Entry("an unknown bearer token", Label(support.LabelInferred), func(u support.R1User) (support.Request, int, string) {
				return support.Request{JSON: map[string]any{"client_status": "active"}, Header: http.Header{"Authorization": {"Bearer contract-suite-no-such-token"}}}, 401, r1Error("Unauthenticated.", nil)
			}),
			Entry("a token that may not manage the company", Label(support.LabelInferred), func(u support.R1User) (support.Request, int, string) {
				return support.Request{JSON: map[string]any{"client_status": "active"}, Header: http.Header{"Authorization": {"Bearer " + targets.R1().TokenNotFor(u.Company.Id)}}}, 403, r1Error("This action is unauthorized.", nil)
			}),
			Entry("an unknown company", Label(support.LabelInferred), func(u support.R1User) (support.Request, int, string) {
				c := targets.R1().UnknownCompany()
				return support.Request{JSON: map[string]any{"client_status": "active"}, Path: r1Path(c, u.ClientId)}, 404, r1Error(fmt.Sprintf("Company %d not found.", c), nil)
			}),
			Entry("a company id that is not a number", Label(support.LabelInferred), func(u support.R1User) (support.Request, int, string) {
				return support.Request{JSON: map[string]any{"client_status": "active"}, Path: r1Path("abc", u.ClientId)}, 404, r1Error("Company abc not found.", nil)
			}),
			Entry("a clientId the company does not have", Label(support.LabelInferred), func(u support.R1User) (support.Request, int, string) {
				return support.Request{JSON: map[string]any{"client_status": "active"}, Path: r1Path(u.Company.Id, "contract-suite-nobody")}, 404,
					r1Error(fmt.Sprintf("User contract-suite-nobody not found in company %d.", u.Company.Id), nil)
			}),
			Entry("a body that is not JSON", Label(support.LabelInferred), func(u support.R1User) (support.Request, int, string) {
				return support.Request{Raw: ptr(`{"username":`)}, 400, r1Error("The request body is not valid JSON.", nil)
			}),
			Entry("a body sent as text/plain", Label(support.LabelInferred), func(u support.R1User) (support.Request, int, string) {
				return support.Request{Raw: ptr(`{"client_status":"active"}`), ContentType: "text/plain"}, 415, r1Error("Content-Type must be application/json.", nil)
			}),
			Entry("a username another user has", Label(support.LabelInferred), func(u support.R1User) (support.Request, int, string) {
				o := targets.R1().User("second R1 Discover user with a username", support.R1Other(u), func(o support.R1User) bool { return o.Username != nil })
				return support.Request{JSON: map[string]any{"username": *o.Username}}, 422,
					r1Error("The given data was invalid.", map[string][]string{"username": {"The username has already been taken."}})
			}),
			Entry("a company username another user of the company has", Label(support.LabelInferred), func(u support.R1User) (support.Request, int, string) {
				o := targets.R1().User("second R1 Discover user with a company username in the same company", support.R1Other(u), support.R1SameCompany(u),
					func(o support.R1User) bool { return o.CompanyUsername != nil })
				return support.Request{JSON: map[string]any{"company_username": *o.CompanyUsername}}, 422,
					r1Error("The given data was invalid.", map[string][]string{"company_username": {"The company username has already been taken."}})
			}),
			Entry("an email another user has", Label(support.LabelInferred), func(u support.R1User) (support.Request, int, string) {
				o := targets.R1().User("second R1 Discover user with an email", support.R1Other(u), func(o support.R1User) bool { return o.Email != nil })
				return support.Request{JSON: map[string]any{"client_email": *o.Email}}, 422,
					r1Error("The given data was invalid.", map[string][]string{"client_email": {"The client email has already been taken."}})
			}),
			Entry("an email address that is not valid", Label(support.LabelInferred), func(u support.R1User) (support.Request, int, string) {
				return support.Request{JSON: map[string]any{"client_email": "not-an-email"}}, 422,
					r1Error("The given data was invalid.", map[string][]string{"client_email": {"The client email must be a valid email address."}})
			}),
			Entry("a location, program, practitioner and status the company does not offer", Label(support.LabelInferred), func(u support.R1User) (support.Request, int, string) {
				return support.Request{JSON: map[string]any{"client_location": "Nowhere", "client_program": "Nothing", "client_practitioner": "nobody@contract-suite.invalid", "client_status": "asleep"}}, 422,
					r1Error("The given data was invalid.", map[string][]string{
						"client_location":     {"The selected client location is invalid."},
						"client_program":      {"The selected client program is invalid."},
						"client_practitioner": {"The selected client practitioner is invalid."},
						"client_status":       {"The selected client status is invalid."},
					})
			}),
			Entry("a field of the wrong type", Label(support.LabelInferred), func(u support.R1User) (support.Request, int, string) {
				return support.Request{JSON: map[string]any{"username": 5}}, 422,
					r1Error("The given data was invalid.", map[string][]string{"username": {"The username must be a string."}})
			}),
		)
	})
})
