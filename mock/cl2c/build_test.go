package cl2c_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/cl2c"
	"github.com/vendorsuite/contracts/mock/fixtures"
)

func TestBuildListsEveryProblem(t *testing.T) {
	f := &mockcontrol.Cl2cFixtures{Tenants: []mockcontrol.Cl2cTenant{
		{Id: "tenant-demo", ApiKeys: []string{"k1", "", "k1"}, Users: []mockcontrol.Cl2cUser{
			{Id: "a"}, {Id: "a"}, {Id: ""}, {Id: "b", AuthValidUpto: sp("yesterday")},
		}},
		{Id: "tenant-demo", ApiKeys: []string{"k1", "k2"}, Users: []mockcontrol.Cl2cUser{{Id: "a"}}},
		{Id: "", ApiKeys: []string{"k3"}},
	}}
	_, problems := cl2c.Build(f)
	want := []string{
		"cl2c.tenants[0].apiKeys[1]: empty API key",
		"cl2c.tenants[0].apiKeys[2]: duplicate API key k1",
		"cl2c.tenants[0].users[1].id: duplicate user id a",
		"cl2c.tenants[0].users[2].id: empty user id",
		`cl2c.tenants[0].users[3].authValidUpto: "yesterday" is not an RFC 3339 date-time`,
		"cl2c.tenants[1].id: duplicate tenant id tenant-demo",
		"cl2c.tenants[1].apiKeys[0]: duplicate API key k1",
		"cl2c.tenants[2].id: empty tenant id",
	}
	if !slices.Equal(problems, want) {
		t.Errorf("problems =\n%q\nwant\n%q", problems, want)
	}
}

func TestBuildAcceptsAValidWorld(t *testing.T) {
	for name, f := range map[string]*mockcontrol.Cl2cFixtures{
		"nil": nil, "empty": {}, "world": world(), "defaults": fixtures.Default().Cl2c,
	} {
		if _, problems := cl2c.Build(f); problems != nil {
			t.Errorf("%s: %v", name, problems)
		}
	}
}

func TestNilFixturesAreAnEmptyWorld(t *testing.T) {
	s, _ := cl2c.Build(nil)
	if got := s.Summary(); got != (mockcontrol.Cl2cSummary{}) {
		t.Errorf("summary = %+v", got)
	}
	if got := s.Export(); len(got.Tenants) != 0 {
		t.Errorf("export = %+v", got)
	}
	e, _ := newServer(t, nil)
	if rec := do(e, put("t1", "k1", okBody)); rec.Code != http.StatusUnauthorized {
		t.Errorf("status = %d", rec.Code)
	}
}

func TestSummary(t *testing.T) {
	s, _ := cl2c.Build(world())
	if got, want := s.Summary(), (mockcontrol.Cl2cSummary{Tenants: 2, Users: 4}); got != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}
}

// Export gives back the document, and building the export reproduces the
// world, also after updates.
func TestRoundTrip(t *testing.T) {
	f := world()
	f.Tenants = append(f.Tenants, mockcontrol.Cl2cTenant{Id: "no-keys", ApiKeys: []string{}})
	e, s := newServer(t, f)
	if got := s.Export(); !reflect.DeepEqual(got, f) {
		t.Errorf("export differs from the fixtures:\n%s\n%s", js(got), js(f))
	}
	if rec := do(e, put("t1", "k1", `{"id":"u2","firstName":"A","lastName":"B","phoneNumber":"+15550001111","pushToken":"p"}`)); rec.Code != http.StatusOK {
		t.Fatalf("update: %d %s", rec.Code, rec.Body)
	}
	exported := s.Export()
	again, problems := cl2c.Build(exported)
	if problems != nil {
		t.Fatal(problems)
	}
	if got := again.Export(); !reflect.DeepEqual(got, exported) {
		t.Errorf("Build(Export()) differs:\n%s\n%s", js(got), js(exported))
	}
	// The export is a copy: changing it does not reach the store.
	*exported.Tenants[0].Users[0].FirstName = "Mallory"
	exported.Tenants[0].ApiKeys[0] = "stolen"
	if got := s.Export(); *got.Tenants[0].Users[0].FirstName != "John" || got.Tenants[0].ApiKeys[0] != "k1" {
		t.Error("the export shares memory with the store")
	}
	// A tenant without keys is exported without apiKeys, which is optional.
	if b := js(s.Export().Tenants[2]); b != `{"id":"no-keys"}` {
		t.Errorf("keyless tenant = %s", b)
	}
}

func TestMerge(t *testing.T) {
	base := world()
	baseCopy := js(base)
	add := &mockcontrol.Cl2cFixtures{Tenants: []mockcontrol.Cl2cTenant{
		{Id: "t1", ApiKeys: []string{"k1", "k1c"}, Users: []mockcontrol.Cl2cUser{{Id: "u9"}}},
		{Id: "t3", ApiKeys: []string{"k3"}, Users: []mockcontrol.Cl2cUser{{Id: "x"}}},
	}}
	got := cl2c.Merge(base, add)
	if js(base) != baseCopy {
		t.Error("Merge changed base")
	}
	if ids := tenantIDs(got); !slices.Equal(ids, []string{"t1", "t2", "t3"}) {
		t.Errorf("tenants = %v", ids)
	}
	t1 := got.Tenants[0]
	// The tenant's own key is not repeated; the new one is added.
	if !slices.Equal(t1.ApiKeys, []string{"k1", "k1b", "k1c"}) {
		t.Errorf("t1 keys = %v", t1.ApiKeys)
	}
	if ids := userIDs(t1); !slices.Equal(ids, []string{"u1", "u2", "u9"}) {
		t.Errorf("t1 users = %v", ids)
	}
	if _, problems := cl2c.Build(got); problems != nil {
		t.Errorf("merged world: %v", problems)
	}

	// Conflicts are Build's to report.
	clash := cl2c.Merge(base, &mockcontrol.Cl2cFixtures{Tenants: []mockcontrol.Cl2cTenant{
		{Id: "t1", ApiKeys: []string{"k2"}, Users: []mockcontrol.Cl2cUser{{Id: "u1"}}},
		{Id: "t4", ApiKeys: []string{}}, {Id: "t4", ApiKeys: []string{}},
	}})
	_, problems := cl2c.Build(clash)
	want := []string{
		"cl2c.tenants[0].users[2].id: duplicate user id u1",
		// The first holder of a key keeps it; the later one is reported.
		"cl2c.tenants[1].apiKeys[0]: duplicate API key k2",
		"cl2c.tenants[3].id: duplicate tenant id t4",
	}
	if !slices.Equal(problems, want) {
		t.Errorf("problems =\n%q\nwant\n%q", problems, want)
	}

	if got := cl2c.Merge(nil, nil); got == nil || len(got.Tenants) != 0 {
		t.Errorf("Merge(nil, nil) = %+v", got)
	}
	if got := cl2c.Merge(base, nil); !reflect.DeepEqual(got, base) {
		t.Errorf("Merge(base, nil) = %s", js(got))
	}
	if got := cl2c.Merge(nil, add); !reflect.DeepEqual(got, add) {
		t.Errorf("Merge(nil, add) = %s", js(got))
	}
}

// The default fixtures serve the page's examples: the JavaScript example's
// headers and body, the example request body, and the success example's
// user.
func TestDefaultFixturesServeThePageExamples(t *testing.T) {
	pageUser := func(id string) string {
		return `{"id":"` + id + `","userName":"john_doe","firstName":"John","lastName":"Doe","email":"john.doe@example.com","emailConfirmed":true,"authenticated":true,"authValidUpto":"2024-11-05T19:42:26.587Z","authLocation":"USA","phoneNumber":"+1234567890","walletAddress":"0x123456789ABCDEF"}`
	}
	body := func(id string) string {
		return `{"id":"` + id + `","firstName":"John","lastName":"Doe","phoneNumber":"+1234567890","pushToken":"push_token_example"}`
	}
	for _, tt := range []struct{ tenant, key, id string }{
		{"your-tenant-id", "your-api-key", "user_id"},
		{"your-tenant-id", "your-api-key", "string"},
		{"tenant-demo", "cl2c-demo-key", "3fa85f64-5717-4562-b3fc-2c963f66afa6"},
	} {
		e, _ := newServer(t, fixtures.Default().Cl2c)
		rec := do(e, put(tt.tenant, tt.key, body(tt.id)))
		if rec.Code != http.StatusOK || rec.Body.String() != pageUser(tt.id) {
			t.Errorf("%s/%s: %d %s", tt.tenant, tt.id, rec.Code, rec.Body)
		}
	}
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func tenantIDs(f *mockcontrol.Cl2cFixtures) []string {
	var ids []string
	for _, t := range f.Tenants {
		ids = append(ids, t.Id)
	}
	return ids
}

func userIDs(t mockcontrol.Cl2cTenant) []string {
	var ids []string
	for _, u := range t.Users {
		ids = append(ids, u.Id)
	}
	return ids
}
