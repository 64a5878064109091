package contracts_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/vendorsuite/contracts/contracts/support"
	care360api "github.com/vendorsuite/contracts/generated/care360"
	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/openapi/pageexamples"
)

// ---- Care360 helpers ----

const c360Users = "/api/v1/users"

// c360 sends r with the acting organization's API key (unless r sets the
// header itself) and returns the checked answer.
func c360(r support.Request) *support.Response {
	GinkgoHelper()
	if r.Header == nil {
		r.Header = http.Header{}
	}
	if _, set := r.Header["Cv-Api-Key"]; !set {
		r.Header.Set("cv-api-key", targets.Care360().Key())
	}
	return targets.Do(support.Care360, r)
}

func c360Post(body any) support.Request { return support.Care360Update(body) }

func c360Profile(data map[string]any) support.Request {
	return c360Post(map[string]any{"action": "UPDATE_PROFILE", "data": data})
}

func c360Email(current, next string) support.Request {
	return c360Post(map[string]any{"action": "UPDATE_EMAIL", "data": map[string]any{"currentEmail": current, "newEmail": next}})
}

func c360List(query url.Values) support.Request {
	p := c360Users
	if len(query) > 0 {
		p += "?" + query.Encode()
	}
	return support.Request{Method: http.MethodGet, Path: p}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

// The expected answers are the document's types, marshalled: a renamed or
// retyped response member fails to compile here, and the raw body is
// still compared whole.

// c360Refusal is the envelope of a refused update.
func c360Refusal(status int, message string) string {
	return mustJSON(care360api.ErrorResponse{Status: status, Success: false, Message: message})
}

// c360QueryRefusal is the envelope of a refused listing.
func c360QueryRefusal(message string) string {
	return mustJSON(care360api.QueryError{Status: http.StatusBadRequest, Success: false, Error: message, Code: "VALIDATION_ERROR"})
}

// expectC360Error checks Care360's error envelope exactly.
func expectC360Error(resp *support.Response, status int, message string) {
	GinkgoHelper()
	Expect(resp.Status).To(Equal(status), "%s", resp)
	Expect(resp.Body).To(MatchJSON(c360Refusal(status, message)), "%s", resp)
}

// c360MissingKey is the answer to a missing or unknown key.
func c360MissingKey() string {
	return mustJSON(care360api.MissingApiKeyError{Status: 400, Success: false, Error: "Missing cv-api-key header", Code: "CASE_ERROR"})
}

// c360Page reads a 200 listing as the document's UsersPage.
func c360Page(resp *support.Response) care360api.UsersPage {
	GinkgoHelper()
	Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
	p := support.Parse(resp, care360api.ParseGetUsersResponse).JSON200
	Expect(p).NotTo(BeNil(), "the 200 answer is not the document's UsersPage: %s", resp)
	return *p
}

// c360Updated reads a 200 update answer as the document's UpdateUserSuccess.
func c360Updated(resp *support.Response) care360api.UpdateUserSuccess {
	GinkgoHelper()
	Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
	u := support.Parse(resp, care360api.ParseUpdateUserResponse).JSON200
	Expect(u).NotTo(BeNil(), "the 200 answer is not the document's UpdateUserSuccess: %s", resp)
	return *u
}

// c360UpdatedProfile is the user an UPDATE_PROFILE answer shows.
func c360UpdatedProfile(resp *support.Response) care360api.ProfileUser {
	GinkgoHelper()
	return support.Member(c360Updated(resp).AsProfileUpdatedResponse()).Data.User
}

// pageEmails lists the page's emails in lower case.
func pageEmails(p care360api.UsersPage) []string {
	out := []string{}
	for _, u := range p.Data {
		out = append(out, strings.ToLower(u.Email))
	}
	return out
}

// as converts v to T through JSON: expected values built by field name
// (as the update request names them) become the document's type.
func as[T any](v any) T {
	GinkgoHelper()
	var out T
	Expect(json.Unmarshal([]byte(mustJSON(v)), &out)).To(Succeed())
	return out
}

// profileUpdated is the whole answer to an UPDATE_PROFILE that leaves the
// user with profile p.
func profileUpdated(p map[string]any) string {
	want := care360api.ProfileUpdatedResponse{Status: http.StatusOK, Success: true, Message: "Profile updated successfully"}
	want.Data.User = as[care360api.ProfileUser](profileUser(p))
	return mustJSON(want)
}

// emailUpdated is the whole answer to an UPDATE_EMAIL that leaves the user u.
func emailUpdated(u care360api.EmailUser) string {
	want := care360api.EmailUpdatedResponse{Status: http.StatusOK, Success: true, Message: "Email updated successfully"}
	want.Data.User = u
	return mustJSON(want)
}

// profileUser is the user as UPDATE_PROFILE answers it: dob at midnight UTC.
func profileUser(p map[string]any) map[string]any {
	u := maps.Clone(p)
	if d, ok := u["dob"].(string); ok {
		u["dob"] = d + "T00:00:00.000Z"
	}
	return u
}

// emailUser is the user as UPDATE_EMAIL answers it.
func emailUser(l care360api.ListedUser) care360api.EmailUser {
	return care360api.EmailUser{Email: l.Email, FirstName: l.FirstName, LastName: l.LastName, Dob: l.Dob,
		PhoneNumber: l.PhoneNumber, Gender: l.Gender, Address: l.Address, Address2: l.Address2,
		City: l.City, State: l.State, Country: l.Country, PostalCode: l.PostalCode}
}

// listedUser is the user as GET /api/v1/users lists it.
func listedUser(u mockcontrol.Care360User, p map[string]any) care360api.ListedUser {
	out := as[care360api.ListedUser](p)
	if out.LanguagePreferences == nil {
		out.LanguagePreferences = []string{}
	}
	if c := u.Communication; c != nil {
		if c.SmsNotificationsDisabled != nil {
			out.Communication.SmsNotificationsDisabled = *c.SmsNotificationsDisabled
		}
		if c.NotificationsDisabled != nil {
			out.Communication.NotificationsDisabled = *c.NotificationsDisabled
		}
	}
	return out
}

// readProfile reads the named profile fields of the user with email as
// the target holds them now (GET /api/v1/users, the only read Care360
// offers), before a spec changes them. It skips the spec when a field is
// unset: UPDATE_PROFILE can clear only address2, so such a change could
// not be put back.
func readProfile(email string, fields ...string) map[string]any {
	GinkgoHelper()
	// The fields are named as the update request names them, so the
	// listed user is looked up by member name here.
	found := as[map[string]any](readUser(email))
	before := map[string]any{"email": found["email"]}
	for _, f := range fields {
		v, set := found[f]
		if (!set || v == nil) && f != "address2" {
			support.Skip(fmt.Sprintf("%s has no %s at the target; UPDATE_PROFILE cannot clear it again, so the spec would leave it changed", email, f))
		}
		before[f] = v
	}
	return before
}

// readUser reads the user with email as GET /api/v1/users lists it now.
func readUser(email string) care360api.ListedUser {
	GinkgoHelper()
	resp := c360(support.Care360List(care360api.GetUsersParams{Email: &email, Limit: ptr(100)}))
	for _, d := range c360Page(resp).Data {
		if strings.EqualFold(d.Email, email) {
			return d
		}
	}
	Fail(fmt.Sprintf("reading %s: not listed\n%s", email, resp))
	return care360api.ListedUser{}
}

// restoreProfile puts back what readProfile read.
func restoreProfile(before map[string]any) {
	GinkgoHelper()
	resp := c360(c360Profile(before))
	Expect(resp.Status).To(Equal(http.StatusOK), "restoring %s: %s", before["email"], resp)
}

// walk follows the cursor from the first page to the last, failing when
// the walk does not end within maxPages.
func walk(query url.Values, maxPages int) (emails []string, pages []care360api.UsersPage) {
	GinkgoHelper()
	q := maps.Clone(query)
	for range maxPages {
		resp := c360(c360List(q))
		p := c360Page(resp)
		pages = append(pages, p)
		for _, u := range p.Data {
			emails = append(emails, u.Email)
		}
		if !p.Meta.HasMore {
			return emails, pages
		}
		Expect(p.Meta.Cursor).NotTo(BeNil(), "hasMore is true but the cursor is null: %s", resp)
		q.Set("after", *p.Meta.Cursor)
	}
	Fail(fmt.Sprintf("the listing did not end within %d pages (hasMore stayed true); saw %d users: %v", maxPages, len(emails), emails))
	return nil, nil
}

// orgEmailsByCreatedAt lists the acting organization's users' emails in
// createdAt order, or skips when the fixtures leave some createdAt out.
func orgEmailsByCreatedAt() []string {
	GinkgoHelper()
	us := targets.Care360().Users(targets.Care360().InOrg())
	for _, u := range us {
		if u.CreatedAt == nil {
			support.Skip("fixtures have no createdAt for " + u.Email + ", so the order is unknown")
		}
	}
	slices.SortStableFunc(us, func(a, b support.C360User) int {
		if c := strings.Compare(*a.CreatedAt, *b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(deref(a.Id), deref(b.Id))
	})
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = strings.ToLower(u.Email)
	}
	return out
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func lower(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

// ---- specs ----

var _ = Describe("Care360 users API", Label(support.Care360), func() {
	Describe("GET /api/v1/users", func() {
		It("lists the organization's users in the page's shape", func() {
			c := targets.Care360()
			users := c.Users(c.InOrg())
			if len(users) > 100 {
				support.Skip("fixtures have more than 100 users in the organization; one page cannot hold them")
			}
			resp := c360(support.Care360List(care360api.GetUsersParams{Limit: ptr(100)}))
			p := c360Page(resp)
			Expect(p.Meta.HasMore).To(BeFalse(), "%s", resp)
			Expect(p.Data).To(HaveLen(len(users)), "%s", resp)
			for _, u := range users {
				want := mustJSON(listedUser(u.Care360User, support.ProfileOf(u.Care360User)))
				Expect(p.Data).To(ContainElement(WithTransform(mustJSON, MatchJSON(want))), "user %s as listed", u.Email)
			}
		})

		It("filters by email prefix, case-insensitively", func() {
			c := targets.Care360()
			u := c.User("Care360 user in the organization", c.InOrg())
			prefix := strings.ToUpper(u.Email[:strings.Index(u.Email, "@")])
			resp := c360(support.Care360List(care360api.GetUsersParams{Email: &prefix, Limit: ptr(100)}))
			p := c360Page(resp)
			var want []string
			for _, o := range c.Users(c.InOrg()) {
				if strings.HasPrefix(strings.ToLower(o.Email), strings.ToLower(prefix)) {
					want = append(want, strings.ToLower(o.Email))
				}
			}
			got := pageEmails(p)
			Expect(got).To(ConsistOf(want), "%s", resp)
		})

		It("filters by prefix only, not by a part inside the address", func() {
			c := targets.Care360()
			u := c.User("Care360 user in the organization", c.InOrg())
			inside := u.Email[strings.Index(u.Email, "@"):]
			var want []string
			for _, o := range c.Users(c.InOrg()) {
				if strings.HasPrefix(strings.ToLower(o.Email), strings.ToLower(inside)) {
					want = append(want, strings.ToLower(o.Email))
				}
			}
			resp := c360(support.Care360List(care360api.GetUsersParams{Email: &inside, Limit: ptr(100)}))
			p := c360Page(resp)
			got := pageEmails(p)
			Expect(got).To(ConsistOf(want), "users whose email starts with %q: %s", inside, resp)
		})

		DescribeTable("walks every page to the end, seeing each user exactly once",
			func(limit int, order string, sortBy string) {
				want := orgEmailsByCreatedAt()
				q := url.Values{"limit": {fmt.Sprint(limit)}}
				if order != "" {
					q.Set("sortOrder", order)
				}
				if sortBy != "" {
					q.Set("sortBy", sortBy)
				}
				if order == "desc" {
					slices.Reverse(want)
				}
				emails, pages := walk(q, len(want)+2)
				Expect(lower(emails)).To(Equal(want), "users in order, each once")
				for i, p := range pages {
					Expect(len(p.Data)).To(BeNumerically("<=", limit), "page %d size", i+1)
					if i < len(pages)-1 {
						Expect(p.Meta.HasMore).To(BeTrue(), "page %d of %d says hasMore false", i+1, len(pages))
					}
				}
				Expect(pages[len(pages)-1].Meta.HasMore).To(BeFalse(), "the last page says hasMore true")
			},
			Entry("limit 1, ascending by default", 1, "", ""),
			Entry("limit 2, ascending by createdAt", 2, "asc", "createdAt"),
			Entry("limit 3, descending", 3, "desc", ""),
		)

		It("accepts the page's sorOrder spelling as sortOrder", func() {
			want := orgEmailsByCreatedAt()
			if len(want) > 100 {
				support.Skip("fixtures have more than 100 users in the organization; one page cannot hold them")
			}
			slices.Reverse(want)
			a := c360(c360List(url.Values{"limit": {"100"}, "sorOrder": {"desc"}}))
			b := c360(c360List(url.Values{"limit": {"100"}, "sortOrder": {"desc"}}))
			Expect(a.Status).To(Equal(http.StatusOK), "%s", a)
			Expect(a.Body).To(MatchJSON(b.Body))
			p := c360Page(a)
			got := pageEmails(p)
			Expect(got).To(Equal(want), "sorOrder=desc lists newest first: %s", a)
		})

		// The default only shows with more than ten users: on a mock the
		// spec adds them in its own session; elsewhere the fixtures must
		// describe an organization that has them.
		Describe("a page without limit", Ordered, Label(support.LabelMutating), Serial, func() {
			var want []string
			orderedSetup(func() {
				c := targets.Care360()
				org := c.Org()
				want = orgEmailsByCreatedAt()
				if len(want) <= 10 {
					if !targets.Target(support.Care360).Seeded || org.Id == nil {
						support.Skip("fixtures have no Care360 organization with more than 10 users, and the target is not a seeded mock that could get them, so the default page size is not observable")
					}
					doc := cloneDoc(targets.Fixtures())
					for i := range doc.Care360.Organizations {
						if deref(doc.Care360.Organizations[i].Id) != deref(org.Id) {
							continue
						}
						for n := len(want); n <= 11; n++ {
							e := c.UnknownEmail(fmt.Sprintf("contract-page-%02d", n))
							doc.Care360.Organizations[i].Users = append(doc.Care360.Organizations[i].Users, mockcontrol.Care360User{
								Email: e, Role: ptr("USER"), CreatedAt: ptr(fmt.Sprintf("2099-01-01T00:00:%02d.000Z", n)),
							})
							want = append(want, strings.ToLower(e))
						}
					}
					resp := targets.Control(support.Care360, http.MethodPut, "/__mock/state", doc)
					Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
				}
			})

			It("holds 10 users, the first ones by createdAt", func() {
				resp := c360(support.Care360List(care360api.GetUsersParams{}))
				p := c360Page(resp)
				got := pageEmails(p)
				Expect(got).To(Equal(want[:10]), "%s", resp)
				Expect(p.Meta.HasMore).To(BeTrue(), "%s", resp)
			})
		})

		DescribeTable("refuses",
			func(query url.Values, key *string, status int, want string) {
				r := c360List(query)
				if key != nil {
					r.Header = http.Header{"Cv-Api-Key": {*key}}
					if *key == "" {
						r.Header = http.Header{"Cv-Api-Key": nil}
					}
				}
				resp := c360(r)
				Expect(resp.Status).To(Equal(status), "%s", resp)
				Expect(resp.Body).To(MatchJSON(want), "%s", resp)
			},
			Entry("a missing cv-api-key", Label(support.LabelDocumentedError), url.Values{}, ptr(""), 400, c360MissingKey()),
			Entry("an unknown cv-api-key", Label(support.LabelDocumentedError), url.Values{}, ptr("contract-suite-unknown-key"), 400, c360MissingKey()),
			Entry("a cursor that does not decode", Label(support.LabelInferred), url.Values{"after": {"!!!"}}, nil, 400, c360QueryRefusal("after is not a valid cursor")),
			Entry("limit 0", Label(support.LabelInferred), url.Values{"limit": {"0"}}, nil, 400, c360QueryRefusal("limit must be at least 1")),
			Entry("limit 101", Label(support.LabelInferred), url.Values{"limit": {"101"}}, nil, 400, c360QueryRefusal("limit must be at most 100")),
			Entry("a limit that is not a number", Label(support.LabelInferred), url.Values{"limit": {"ten"}}, nil, 400, c360QueryRefusal("limit must be an integer")),
			Entry("an unknown sortOrder", Label(support.LabelInferred), url.Values{"sortOrder": {"up"}}, nil, 400, c360QueryRefusal("sortOrder must be one of asc, desc")),
			Entry("an unknown sortBy", Label(support.LabelInferred), url.Values{"sortBy": {"email"}}, nil, 400, c360QueryRefusal("sortBy must be one of createdAt")),
		)
	})

	Describe("POST /api/v1/users UPDATE_PROFILE", func() {
		It("answers the page's curl example, which lacks a comma, with 400", Label(support.LabelInferred), func() {
			resp := c360(support.Care360Update(nil).WithRaw(pageexamples.Care360ProfileCurlBody))
			expectC360Error(resp, 400, `The request body is not valid JSON: invalid character '"' after object key:value pair`)
		})

		It("accepts the page's example with the comma mended", Label(support.LabelMutating), Serial, func() {
			c := targets.Care360()
			u := c.User("Care360 USER john.doe@example.com without a locking case (the page example's user)",
				c.InOrg(), support.WithEmail("john.doe@example.com"), support.WithRole("USER"), support.Unlocked)
			if c.PhoneKnown("+11111111111") && deref(u.PhoneNumber) != "+11111111111" {
				support.Skip("fixtures give the page example's phone number +11111111111 to another user")
			}
			DeferCleanup(restoreProfile, readProfile(u.Email, "firstName", "lastName", "dob", "phoneNumber", "gender", "address", "address2",
				"city", "state", "country", "postalCode", "allergies", "currentMedications", "healthConditions", "languagePreferences"))
			resp := c360(support.Care360Update(nil).WithRaw(pageexamples.Care360ProfileBody))
			Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
			var sent struct{ Data map[string]any }
			Expect(json.Unmarshal([]byte(pageexamples.Care360ProfileBody), &sent)).To(Succeed())
			Expect(resp.Body).To(MatchJSON(profileUpdated(sent.Data)), "%s", resp)
		})

		DescribeTable("refuses",
			func(setup func() (map[string]any, int, string)) {
				data, status, message := setup()
				expectC360Error(c360(c360Profile(data)), status, message)
			},
			Entry("a user that does not exist", Label(support.LabelDocumentedError), func() (map[string]any, int, string) {
				e := targets.Care360().UnknownEmail("nobody")
				return map[string]any{"email": e, "city": "Boston"}, 400, "User " + e + " does not exist"
			}),
			Entry("a user of another organization", Label(support.LabelDocumentedError), func() (map[string]any, int, string) {
				c := targets.Care360()
				u := c.User("Care360 user in another organization than the API key's", c.OutsideOrg())
				return map[string]any{"email": u.Email, "city": "Boston"}, 400, "User " + u.Email + " does not exist in the organization"
			}),
			Entry("a user whose role is not USER", Label(support.LabelDocumentedError), func() (map[string]any, int, string) {
				c := targets.Care360()
				u := c.User("Care360 user of a role other than USER in the organization", c.InOrg(), support.NotRole("USER"))
				return map[string]any{"email": u.Email, "city": "Boston"}, 400, "Not allowed to update the profile"
			}),
			Entry("a new first name once a case is assigned", Label(support.LabelDocumentedError), func() (map[string]any, int, string) {
				c := targets.Care360()
				u := c.User("Care360 USER with a locking case in the organization", c.InOrg(), support.WithRole("USER"), support.Locked)
				return map[string]any{"email": u.Email, "firstName": deref(u.FirstName) + "x"}, 400,
					"Cannot update user profile fields (firstName, lastName, dob, gender) for user with cases"
			}),
			Entry("a new last name once a case is assigned", Label(support.LabelDocumentedError), func() (map[string]any, int, string) {
				c := targets.Care360()
				u := c.User("Care360 USER with a locking case in the organization", c.InOrg(), support.WithRole("USER"), support.Locked)
				return map[string]any{"email": u.Email, "lastName": deref(u.LastName) + "x"}, 400,
					"Cannot update user profile fields (firstName, lastName, dob, gender) for user with cases"
			}),
			Entry("a new gender once a case is assigned", Label(support.LabelDocumentedError), func() (map[string]any, int, string) {
				c := targets.Care360()
				u := c.User("Care360 USER with a locking case in the organization", c.InOrg(), support.WithRole("USER"), support.Locked)
				gender := "FEMALE"
				if deref(u.Gender) == gender {
					gender = "MALE"
				}
				return map[string]any{"email": u.Email, "gender": gender}, 400,
					"Cannot update user profile fields (firstName, lastName, dob, gender) for user with cases"
			}),
			Entry("a new date of birth once a case is assigned", Label(support.LabelDocumentedError), func() (map[string]any, int, string) {
				c := targets.Care360()
				u := c.User("Care360 USER with a locking case in the organization", c.InOrg(), support.WithRole("USER"), support.Locked)
				dob := "1970-01-01"
				if deref(u.Dob) == dob {
					dob = "1970-01-02"
				}
				return map[string]any{"email": u.Email, "dob": dob}, 400,
					"Cannot update user profile fields (firstName, lastName, dob, gender) for user with cases"
			}),
			Entry("a phone number of another user", Label(support.LabelDocumentedError), func() (map[string]any, int, string) {
				c := targets.Care360()
				u := c.User("Care360 USER without a locking case in the organization", c.InOrg(), support.WithRole("USER"), support.Unlocked)
				o := c.User("Care360 phone number owned by another user", support.WithPhone, support.Other(u))
				return map[string]any{"email": u.Email, "phoneNumber": *o.PhoneNumber}, 400,
					"Unable to use this phone number. Please use a different one"
			}),
			Entry("a PO Box address", Label(support.LabelInferred), func() (map[string]any, int, string) {
				c := targets.Care360()
				u := c.User("Care360 USER without a locking case in the organization", c.InOrg(), support.WithRole("USER"), support.Unlocked)
				return map[string]any{"email": u.Email, "address": "P.O. Box 12"}, 400, "Address must not be a PO Box address"
			}),
			Entry("a date of birth not in YYYY-MM-DD", Label(support.LabelInferred), func() (map[string]any, int, string) {
				c := targets.Care360()
				u := c.User("Care360 USER without a locking case in the organization", c.InOrg(), support.WithRole("USER"), support.Unlocked)
				return map[string]any{"email": u.Email, "dob": "01/10/1995"}, 400, "data.dob must be a date in YYYY-MM-DD format"
			}),
		)

		DescribeTable("refuses a malformed request",
			func(r support.Request, withKey bool, status int, want string) {
				if !withKey {
					r.Header = http.Header{"Cv-Api-Key": nil}
				}
				resp := c360(r)
				Expect(resp.Status).To(Equal(status), "%s", resp)
				Expect(resp.Body).To(MatchJSON(want), "%s", resp)
			},
			Entry("without cv-api-key", Label(support.LabelInferred), c360Profile(map[string]any{"email": "john.doe@example.com"}), false, 400, c360MissingKey()),
			Entry("with an unknown action", Label(support.LabelInferred), c360Post(map[string]any{"action": "DELETE_USER", "data": map[string]any{}}), true, 400,
				c360Refusal(400, "action must be one of UPDATE_EMAIL, UPDATE_PROFILE")),
			Entry("without data.email", Label(support.LabelInferred), c360Profile(map[string]any{"city": "Boston"}), true, 400,
				c360Refusal(400, "data.email is required")),
			Entry("sent as text/plain", Label(support.LabelInferred), support.Request{Method: http.MethodPost, Path: c360Users, Raw: ptr(`{"action":"UPDATE_PROFILE","data":{"email":"a@b.c"}}`), ContentType: "text/plain"}, true, 415,
				c360Refusal(415, "Content-Type must be application/json")),
		)

		Describe("an update, then the listing", Ordered, Label(support.LabelMutating), Serial, func() {
			var u support.C360User
			changed := map[string]any{"city": "Boston", "address2": nil, "allergies": "None", "languagePreferences": []string{"de"}}

			orderedSetup(func() {
				c := targets.Care360()
				u = c.User("Care360 USER without a locking case in the organization, with city and allergies set",
					c.InOrg(), support.WithRole("USER"), support.Unlocked, support.WithProfile("city", "allergies"))
				DeferCleanup(restoreProfile, readProfile(u.Email, "city", "address2", "allergies", "languagePreferences"))
			})

			It("answers the updated user, keeping the fields it did not send", func() {
				data := maps.Clone(changed)
				data["email"] = u.Email
				resp := c360(c360Profile(data))
				Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
				want := support.ProfileOf(u.Care360User)
				maps.Copy(want, changed)
				Expect(resp.Body).To(MatchJSON(profileUpdated(want)), "%s", resp)
			})

			It("lists the new values", func() {
				resp := c360(support.Care360List(care360api.GetUsersParams{Email: &u.Email}))
				p := c360Page(resp)
				Expect(p.Data).To(HaveLen(1), "%s", resp)
				want := support.ProfileOf(u.Care360User)
				maps.Copy(want, changed)
				Expect(mustJSON(p.Data[0])).To(MatchJSON(mustJSON(listedUser(u.Care360User, want))), "%s", resp)
			})
		})

		Describe("a case assigned later locks the demographic fields", Ordered, Label(support.LabelMutating), Serial, func() {
			var (
				org   *mockcontrol.Care360Organization
				email string
			)
			userWith := func(firstName string, status string) mockcontrol.FixtureDocument {
				doc := cloneDoc(targets.Fixtures())
				for i := range doc.Care360.Organizations {
					if deref(doc.Care360.Organizations[i].Id) == deref(org.Id) {
						doc.Care360.Organizations[i].Users = append(doc.Care360.Organizations[i].Users, mockcontrol.Care360User{
							Email: email, Role: ptr("USER"), FirstName: ptr(firstName), LastName: ptr("Case"),
							Cases: []mockcontrol.Care360Case{{Status: mockcontrol.Care360CaseStatus(status)}},
						})
					}
				}
				return doc
			}

			orderedSetup(func() {
				if !targets.Target(support.Care360).Seeded {
					support.Skip("the Care360 target is not seeded: a user added through /__mock/state could not be removed")
				}
				c := targets.Care360()
				org = c.Org()
				if org.Id == nil {
					support.Skip("fixtures have no id for the Care360 organization, so a user cannot be added to it")
				}
				email = c.UnknownEmail("contract-case")
				resp := targets.Control(support.Care360, http.MethodPut, "/__mock/state", userWith("Casey", "Created"))
				Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
			})

			It("lets the first name change while the case is only created", func() {
				resp := c360(c360Profile(map[string]any{"email": email, "firstName": "Cassie"}))
				Expect(c360UpdatedProfile(resp).FirstName).To(HaveValue(Equal("Cassie")), "%s", resp)
			})

			It("refuses a new first name once the case is assigned", Label(support.LabelDocumentedError), func() {
				resp := targets.Control(support.Care360, http.MethodPut, "/__mock/state", userWith("Cassie", "Assigned"))
				Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
				expectC360Error(c360(c360Profile(map[string]any{"email": email, "firstName": "Casey"})), 400,
					"Cannot update user profile fields (firstName, lastName, dob, gender) for user with cases")
			})

			It("still lets the other fields change", func() {
				resp := c360(c360Profile(map[string]any{"email": email, "city": "Boston"}))
				Expect(c360UpdatedProfile(resp).City).To(HaveValue(Equal("Boston")), "%s", resp)
			})
		})
	})

	Describe("POST /api/v1/users UPDATE_EMAIL", func() {
		It("accepts the page's example and is put back", Label(support.LabelMutating), Serial, func() {
			c := targets.Care360()
			const from, to = "john.doe@carevalidate.com", "doe.john@carevalidate.com"
			u := c.User("Care360 USER john.doe@carevalidate.com (the email page example's user)", c.InOrg(), support.WithEmail(from), support.WithRole("USER"))
			if c.EmailKnown(to) {
				support.Skip("fixtures give doe.john@carevalidate.com to a user already")
			}
			resp := c360(c360Email(from, to))
			Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
			DeferCleanup(func() {
				back := c360(c360Email(to, from))
				Expect(back.Status).To(Equal(http.StatusOK), "moving the email back: %s", back)
			})
			p := support.ProfileOf(u.Care360User)
			p["email"] = to
			Expect(resp.Body).To(MatchJSON(emailUpdated(as[care360api.EmailUser](p))), "%s", resp)
		})

		DescribeTable("refuses",
			func(setup func() (string, string, string)) {
				from, to, message := setup()
				expectC360Error(c360(c360Email(from, to)), 400, message)
			},
			Entry("a user that does not exist", Label(support.LabelDocumentedError), func() (string, string, string) {
				c := targets.Care360()
				e := c.UnknownEmail("nobody")
				return e, c.UnknownEmail("somebody"), "User " + e + " does not exist"
			}),
			Entry("a user of another organization", Label(support.LabelDocumentedError), func() (string, string, string) {
				c := targets.Care360()
				u := c.User("Care360 user in another organization than the API key's", c.OutsideOrg())
				return u.Email, c.UnknownEmail("somebody"), "User " + u.Email + " does not exist in the organization"
			}),
			Entry("a user whose role is not USER", Label(support.LabelDocumentedError), func() (string, string, string) {
				c := targets.Care360()
				u := c.User("Care360 user of a role other than USER in the organization", c.InOrg(), support.NotRole("USER"))
				return u.Email, c.UnknownEmail("somebody"), "Not allowed to update the email"
			}),
			Entry("an email of another user of the organization", Label(support.LabelDocumentedError), func() (string, string, string) {
				c := targets.Care360()
				u := c.User("Care360 USER in the organization", c.InOrg(), support.WithRole("USER"))
				o := c.User("second Care360 user in the organization", c.InOrg(), support.Other(u))
				return u.Email, o.Email, "New Email " + o.Email + " already exists"
			}),
			Entry("an email of a user of another organization", Label(support.LabelDocumentedError), func() (string, string, string) {
				c := targets.Care360()
				u := c.User("Care360 USER in the organization", c.InOrg(), support.WithRole("USER"))
				o := c.User("Care360 user in another organization than the API key's", c.OutsideOrg())
				return u.Email, o.Email, "User with email " + o.Email + " already exists in database"
			}),
			Entry("an email held by the authentication service only", Label(support.LabelDocumentedError), func() (string, string, string) {
				c := targets.Care360()
				u := c.User("Care360 USER in the organization", c.InOrg(), support.WithRole("USER"))
				e := c.AuthOnlyEmail()
				return u.Email, e, "User with email " + e + " already exists in authentication"
			}),
		)

		It("moves the email of a user with an assigned case", Label(support.LabelMutating), Serial, func() {
			c := targets.Care360()
			u := c.User("Care360 USER with a locking case in the organization", c.InOrg(), support.WithRole("USER"), support.Locked)
			to := c.UnknownEmail("contract-locked-moved")
			resp := c360(c360Email(u.Email, to))
			Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
			DeferCleanup(func() {
				back := c360(c360Email(to, u.Email))
				Expect(back.Status).To(Equal(http.StatusOK), "moving the email back: %s", back)
			})
			Expect(support.Member(c360Updated(resp).AsEmailUpdatedResponse()).Message).To(BeEquivalentTo("Email updated successfully"), "%s", resp)
		})

		Describe("a moved email frees the old address", Ordered, Label(support.LabelMutating), Serial, func() {
			var u support.C360User
			var newEmail string
			moved := false

			orderedSetup(func() {
				c := targets.Care360()
				u = c.User("Care360 USER in the organization", c.InOrg(), support.WithRole("USER"))
				newEmail = c.UnknownEmail("contract-moved")
				DeferCleanup(func() {
					if moved {
						back := c360(c360Email(newEmail, u.Email))
						Expect(back.Status).To(Equal(http.StatusOK), "moving the email back: %s", back)
					}
				})
			})

			It("moves the user to the new address and answers in the page's shape", func() {
				before := readUser(u.Email)
				resp := c360(c360Email(u.Email, newEmail))
				Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
				moved = true
				before.Email = newEmail
				Expect(resp.Body).To(MatchJSON(emailUpdated(emailUser(before))), "%s", resp)
			})

			It("no longer knows the old address", Label(support.LabelDocumentedError), func() {
				expectC360Error(c360(c360Email(u.Email, targets.Care360().UnknownEmail("somebody"))), 400, "User "+u.Email+" does not exist")
			})

			It("lists the user under the new address", func() {
				resp := c360(support.Care360List(care360api.GetUsersParams{Email: &newEmail}))
				p := c360Page(resp)
				Expect(p.Data).To(HaveLen(1), "%s", resp)
				Expect(p.Data[0].Email).To(Equal(newEmail), "%s", resp)
			})

			It("lets the old address be taken again", func() {
				resp := c360(c360Email(newEmail, u.Email))
				Expect(resp.Status).To(Equal(http.StatusOK), "%s", resp)
				moved = false
				Expect(support.Member(c360Updated(resp).AsEmailUpdatedResponse()).Data.User.Email).To(Equal(u.Email), "%s", resp)
			})
		})
	})
})

func ptr[T any](v T) *T { return &v }

// cloneDoc deep-copies a fixture document through JSON.
func cloneDoc(d *mockcontrol.FixtureDocument) mockcontrol.FixtureDocument {
	GinkgoHelper()
	var out mockcontrol.FixtureDocument
	Expect(json.Unmarshal([]byte(mustJSON(d)), &out)).To(Succeed())
	return out
}
