package r1discover_test

import (
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/r1discover"
)

func TestBuildListsEveryProblem(t *testing.T) {
	f := &mockcontrol.R1DiscoverFixtures{
		Tokens: []mockcontrol.R1Token{
			{Token: "a", Companies: []int{1, 7}},
			{Token: "a", Companies: []int{}},
			{Token: "", Companies: []int{8}},
		},
		Companies: []mockcontrol.R1Company{
			{
				Id: 1, Locations: []string{"L", ""}, Programs: []string{"", "P"}, Practitioners: []string{"p@example.com", "not an email"},
				Users: []mockcontrol.R1User{
					r1user("c1", "Name", "cu", "one@example.com", "L", "P", "P@example.com", "active"),
					r1user("c1", "name", "CU", "ONE@example.com", "Nowhere", "Q", "x@example.com", "paused"),
					{ClientId: "", Username: sp(""), CompanyUsername: sp(""), Email: sp("")},
					{ClientId: "c4", Email: sp("bad@@example.com")},
				},
			},
			{Id: 1, Users: []mockcontrol.R1User{r1user("c1", "name2", "cu", "two@example.com", "", "", "", "")}},
		},
	}
	_, problems := r1discover.Build(f)
	want := []string{
		"r1discover.tokens[0].companies[1]: unknown company 7",
		"r1discover.tokens[1].token: duplicate token a",
		"r1discover.tokens[2].token: empty token",
		"r1discover.tokens[2].companies[0]: unknown company 8",
		"r1discover.companies[0].locations[1]: empty location",
		"r1discover.companies[0].programs[0]: empty program",
		`r1discover.companies[0].practitioners[1]: "not an email" is not a valid email address`,
		"r1discover.companies[0].users[1].clientId: duplicate client id c1",
		"r1discover.companies[0].users[1].username: duplicate username name",
		"r1discover.companies[0].users[1].companyUsername: duplicate company username CU",
		"r1discover.companies[0].users[1].email: duplicate email ONE@example.com",
		`r1discover.companies[0].users[1].location: "Nowhere" is not a location of company 1`,
		`r1discover.companies[0].users[1].program: "Q" is not a program of company 1`,
		`r1discover.companies[0].users[1].practitioner: "x@example.com" is not a practitioner of company 1`,
		`r1discover.companies[0].users[1].status: unknown status "paused" (active or inactive)`,
		"r1discover.companies[0].users[2].clientId: empty client id",
		"r1discover.companies[0].users[2].username: empty username",
		"r1discover.companies[0].users[2].companyUsername: empty company username",
		"r1discover.companies[0].users[2].email: empty email",
		`r1discover.companies[0].users[3].email: "bad@@example.com" is not a valid email address`,
		"r1discover.companies[1].id: duplicate company id 1",
		`r1discover.companies[1].users[0].location: "" is not a location of company 1`,
		`r1discover.companies[1].users[0].program: "" is not a program of company 1`,
		`r1discover.companies[1].users[0].practitioner: "" is not a practitioner of company 1`,
		`r1discover.companies[1].users[0].status: unknown status "" (active or inactive)`,
	}
	if !slices.Equal(problems, want) {
		t.Errorf("problems =\n%q\nwant\n%q", problems, want)
	}
}

func TestBuildAcceptsAValidWorld(t *testing.T) {
	for name, f := range map[string]*mockcontrol.R1DiscoverFixtures{
		"nil": nil, "empty": {}, "world": world(), "defaults": fixtures.Default().R1discover,
	} {
		if _, problems := r1discover.Build(f); problems != nil {
			t.Errorf("%s: %v", name, problems)
		}
	}
}

func TestNilFixturesAreAnEmptyWorld(t *testing.T) {
	s, _ := r1discover.Build(nil)
	if got := s.Summary(); got != (mockcontrol.R1DiscoverSummary{}) {
		t.Errorf("summary = %+v", got)
	}
	if got := s.Export(); len(got.Companies) != 0 || len(got.Tokens) != 0 {
		t.Errorf("export = %+v", got)
	}
	e, _ := newServer(t, nil)
	if rec := do(e, put(page1, "tok1", workingBody)); rec.Code != http.StatusUnauthorized {
		t.Errorf("status = %d", rec.Code)
	}
}

func TestSummary(t *testing.T) {
	s, _ := r1discover.Build(world())
	if got, want := s.Summary(), (mockcontrol.R1DiscoverSummary{Companies: 3, Users: 4, Tokens: 3}); got != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}
}

// Export gives back the document, and building the export reproduces the
// world, also after updates.
func TestRoundTrip(t *testing.T) {
	f := world()
	f.Tokens = append(f.Tokens, mockcontrol.R1Token{Token: "idle", Companies: []int{}})
	e, s := newServer(t, f)
	if got := s.Export(); !reflect.DeepEqual(got, f) {
		t.Errorf("export differs from the fixtures:\n%s\n%s", js(got), js(f))
	}
	if rec := do(e, put("/api/v1/companies/1/users/bare", "tok1", `{"username":"b","client_email":"b@example.com","client_status":"inactive"}`)); rec.Code != http.StatusOK {
		t.Fatalf("update: %d %s", rec.Code, rec.Body)
	}
	exported := s.Export()
	again, problems := r1discover.Build(exported)
	if problems != nil {
		t.Fatal(problems)
	}
	if got := again.Export(); !reflect.DeepEqual(got, exported) {
		t.Errorf("Build(Export()) differs:\n%s\n%s", js(got), js(exported))
	}
	// The rebuilt world enforces the moved values.
	e2, _ := newServer(t, exported)
	if rec := do(e2, put(page1, "tok1", `{"username":"B"}`)); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("rebuilt world: %d %s", rec.Code, rec.Body)
	}
	// The export is a copy: changing it does not reach the store.
	*exported.Companies[0].Users[0].Username = "mallory"
	exported.Companies[0].Locations[0] = "Elsewhere"
	exported.Tokens[0].Companies[0] = 2
	got := s.Export()
	if *got.Companies[0].Users[0].Username != "xyz123" || got.Companies[0].Locations[0] != "Bend Treatment Center" || got.Tokens[0].Companies[0] != 1 {
		t.Error("the export shares memory with the store")
	}
	// A token managing nothing is exported without companies, which is
	// optional.
	if b := js(s.Export().Tokens[3]); b != `{"token":"idle"}` {
		t.Errorf("idle token = %s", b)
	}
}

func TestMerge(t *testing.T) {
	base := world()
	baseCopy := js(base)
	add := &mockcontrol.R1DiscoverFixtures{
		Tokens: []mockcontrol.R1Token{{Token: "tok4", Companies: []int{1, 4}}},
		Companies: []mockcontrol.R1Company{
			{
				Id: 1, Name: sp("Renamed"), Locations: []string{"Devon", "Eugene"}, Programs: []string{"PHP", "IOP"},
				Practitioners: []string{"PRACTITIONER@example.com", "third@example.com"},
				Users:         []mockcontrol.R1User{r1user("new1", "new1", "new1", "new1@example.com", "Eugene", "IOP", "third@example.com", "active")},
			},
			{Id: 4, Name: sp("Fourth"), Users: []mockcontrol.R1User{{ClientId: "f1"}}},
		},
	}
	got := r1discover.Merge(base, add)
	if js(base) != baseCopy {
		t.Error("Merge changed base")
	}
	if toks := len(got.Tokens); toks != 4 || got.Tokens[3].Token != "tok4" {
		t.Errorf("tokens = %s", js(got.Tokens))
	}
	var ids []int
	for _, c := range got.Companies {
		ids = append(ids, c.Id)
	}
	if !slices.Equal(ids, []int{1, 2, 3, 4}) {
		t.Errorf("companies = %v", ids)
	}
	c1 := got.Companies[0]
	if *c1.Name != "Demo Recovery" {
		t.Errorf("name = %s; the existing name is kept", *c1.Name)
	}
	if want := []string{"Bend Treatment Center", "Grants Pass Treatment Center", "Devon", "Eugene"}; !slices.Equal(c1.Locations, want) {
		t.Errorf("locations = %v", c1.Locations)
	}
	if want := []string{"General", "PHP", "MSR", "IOP"}; !slices.Equal(c1.Programs, want) {
		t.Errorf("programs = %v", c1.Programs)
	}
	if want := []string{"practitioner@example.com", "Second.Practitioner@Example.com", "third@example.com"}; !slices.Equal(c1.Practitioners, want) {
		t.Errorf("practitioners = %v", c1.Practitioners)
	}
	if n := len(c1.Users); n != 4 || c1.Users[3].ClientId != "new1" {
		t.Errorf("users = %s", js(c1.Users))
	}
	if _, problems := r1discover.Build(got); problems != nil {
		t.Errorf("merged world: %v", problems)
	}

	// A known token gains the companies it lacks; conflicts are Build's
	// to report.
	clash := r1discover.Merge(base, &mockcontrol.R1DiscoverFixtures{
		Tokens: []mockcontrol.R1Token{{Token: "tok1", Companies: []int{9}}},
		Companies: []mockcontrol.R1Company{
			{Id: 2, Users: []mockcontrol.R1User{{ClientId: "x", Username: sp("XYZ123"), Email: sp("Client@Example.com")}}},
			{Id: 5}, {Id: 5},
		},
	})
	_, problems := r1discover.Build(clash)
	want := []string{
		"r1discover.tokens[0].companies[1]: unknown company 9",
		"r1discover.companies[1].users[1].username: duplicate username XYZ123",
		"r1discover.companies[1].users[1].email: duplicate email Client@Example.com",
		"r1discover.companies[4].id: duplicate company id 5",
	}
	if !slices.Equal(problems, want) {
		t.Errorf("problems =\n%q\nwant\n%q", problems, want)
	}

	if got := r1discover.Merge(nil, nil); got == nil || len(got.Companies)+len(got.Tokens) != 0 {
		t.Errorf("Merge(nil, nil) = %+v", got)
	}
	if got := r1discover.Merge(base, nil); !reflect.DeepEqual(got, base) {
		t.Errorf("Merge(base, nil) = %s", js(got))
	}
	if got := r1discover.Merge(nil, add); !reflect.DeepEqual(got, add) {
		t.Errorf("Merge(nil, add) = %s", js(got))
	}
}

// The default fixtures serve the page's request (made usable) and have an
// account for each refusal.
func TestDefaultFixtures(t *testing.T) {
	tests := []struct {
		name, path, token, body string
		status                  int
		want                    string
	}{
		{"working request", page1, "r1-demo-token", workingBody, 200,
			`{"error":0,"message":"User updated successfully","data":{"username":"xyz123","email":"client@example.com"}}`},
		{"other token", page1, "r1-other-token", workingBody, 403, forbidden},
		{"unknown company", "/api/v1/companies/42/users/abcxyz123456", "r1-demo-token", workingBody, 404, errBody("Company 42 not found.")},
		{"unknown user", "/api/v1/companies/1/users/nobody", "r1-demo-token", workingBody, 404, errBody("User nobody not found in company 1.")},
		{"taken values", page1, "r1-demo-token", `{"username":"taken_user","company_username":"taken_user","client_email":"taken@example.com"}`, 422,
			invalid(`{"username":["The username has already been taken."],"company_username":["The company username has already been taken."],"client_email":["The client email has already been taken."]}`)},
		{"company 2", "/api/v1/companies/2/users/other123456", "r1-other-token", `{"company_username":"other_cu"}`, 200,
			`{"error":0,"message":"User updated successfully","data":{"username":"other_user","email":"other.client@example.org"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newServer(t, fixtures.Default().R1discover)
			rec := do(e, put(tt.path, tt.token, tt.body))
			if rec.Code != tt.status || !reflect.DeepEqual(decode(t, rec), mustJSON(t, tt.want)) {
				t.Errorf("got %d %s\nwant %d %s", rec.Code, rec.Body, tt.status, tt.want)
			}
		})
	}
}
