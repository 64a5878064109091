package mock_test

// Hostile inputs, each answered in its expected status and message with the
// state left unchanged, and each costing allocations that grow at most
// linearly with its size: the same attack at 16 times the size may
// allocate at most 32 times as much (a cost growing with the square of the
// size would allocate 256 times as much). BenchmarkHostile measures the
// cost at full size.

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/vendorsuite/contracts/mock"
)

type attack struct {
	name   string
	method string
	path   string
	header []string
	// body builds the attack at a scale (1 and 16 in the test).
	body   func(scale int) string
	status int
	// want is the start of the answer, the same at every scale; contains,
	// when set, must appear in it too.
	want, contains string
}

var (
	care360Auth = []string{"cv-api-key", "cv-demo-key", "Content-Type", "application/json"}
	jsonType    = []string{"Content-Type", "application/json"}
)

func nested(depth int, inner string) string {
	return strings.Repeat("[", depth) + inner + strings.Repeat("]", depth)
}

func list(n int, item string) string {
	return strings.TrimSuffix(strings.Repeat(item+",", n), ",")
}

var attacks = []attack{
	{"care360 arrays nested in a string field, past the depth bound", "POST", "/api/v1/users", care360Auth,
		func(s int) string {
			return `{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","firstName":` + nested(100*s, "") + `}}`
		},
		400, `{"status":400,"success":false,"message":"data.firstName[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0] nests deeper than 32 levels"}`, ""},
	{"care360 many nested arrays under the bounds in a string list", "POST", "/api/v1/users", care360Auth,
		func(s int) string {
			return `{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","languagePreferences":[` + list(25*s, nested(20, "1")) + `]}}`
		},
		400, `{"status":400,"success":false,"message":"data.languagePreferences[0] must be a string; data.languagePreferences[1] must be a string;`, ""},
	{"care360 a list wider than the item bound", "POST", "/api/v1/users", care360Auth,
		func(s int) string {
			return `{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","languagePreferences":[` + list(1000+500*s, `"en"`) + `]}}`
		},
		400, `{"status":400,"success":false,"message":"data.languagePreferences has more than 1000 items"}`, ""},
	{"care360 a string longer than the string bound", "POST", "/api/v1/users", care360Auth,
		func(s int) string {
			return `{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","address":"` + strings.Repeat("a", 64<<10+1000*s) + `"}}`
		},
		400, `{"status":400,"success":false,"message":"data.address is longer than 64 KiB"}`, ""},
	{"care360 an object with more members than the bound", "POST", "/api/v1/users", care360Auth,
		func(s int) string {
			var b strings.Builder
			for i := range 1000 + 100*s {
				fmt.Fprintf(&b, `"k%d":1,`, i)
			}
			return `{"action":"UPDATE_PROFILE","data":{` + b.String() + `"email":"john.doe@example.com"}}`
		},
		400, `{"status":400,"success":false,"message":"data has more than 1000 members"}`, ""},
	{"cl2c arrays nested in a string field", "PUT", "/v1/cl2c/user", []string{"tenant", "tenant-demo", "X-API-Key", "cl2c-demo-key", "Content-Type", "application/json"},
		func(s int) string {
			return `{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","firstName":` + nested(100*s, "") + `,"lastName":"Doe"}`
		},
		400, `{"type":"https://example.com/error","title":"Invalid Request","status":400,"detail":"The request parameters are incorrect.","instance":"req-`,
		`"errors":{"firstName[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]":["firstName[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0] nests deeper than 32 levels`},
	{"r1discover arrays nested in a string field", "PUT", "/api/v1/companies/1/users/abcxyz123456", []string{"Authorization", "Bearer r1-demo-token", "Content-Type", "application/json"},
		func(s int) string { return `{"username":` + nested(100*s, "") + `}` },
		422, `{"error":1,"message":"The given data was invalid.","errors":{"username[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]":["username[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0] nests deeper than 32 levels."]}`, ""},
	{"control: a long array where an object list is expected", "PUT", "/__mock/state", jsonType,
		func(s int) string { return `{"care360":{"organizations":[` + list(4000*s, "1") + `]}}` },
		400, `{"errors":["care360.organizations[0] must be an object","care360.organizations[1] must be an object",`, ""},
	{"control: objects missing every required field", "PUT", "/__mock/state", jsonType,
		func(s int) string { return `{"care360":{"organizations":[` + list(2000*s, "{}") + `]}}` },
		400, `{"errors":["care360.organizations[0].name is required for a new organization","care360.organizations[1].name is required for a new organization",`, ""},
	{"control: deep nesting where an object is expected", "PUT", "/__mock/state", jsonType,
		func(s int) string { return `{"care360":` + nested(400*s, "") + `}` },
		400, `{"errors":["care360 must be an object"]}`, ""},
	{"control: a long YAML list where an object list is expected", "PUT", "/__mock/state", []string{"Content-Type", "application/yaml"},
		func(s int) string { return "care360:\n  organizations:\n" + strings.Repeat("    - 1\n", 1000*s) },
		400, `{"errors":["care360.organizations[0] must be an object",`, ""},
	{"control: a YAML document over 2 MiB", "PUT", "/__mock/state", []string{"Content-Type", "application/yaml"},
		func(s int) string { return "care360: {organizations: [" + list(1<<20+1000*s, "1") + "]}" },
		413, `{"errors":["A document over 2 MiB must be JSON: decoding YAML costs about 200 bytes of memory per byte; send it as JSON, or load it with --fixtures"]}`, ""},
	{"control: JSON duplicate keys", "POST", "/__mock/state", jsonType,
		func(s int) string {
			return `{"cl2c":{"tenants":[` + list(100*s, `{"id":"t","apiKeys":["k"],"id":"u"}`) + `]}}`
		},
		400, `{"errors":["not a JSON or YAML document: line 1: key \"id\" appears twice"]}`, ""},
	{"control: a fault rule of nested arrays", "POST", "/__mock/faults", jsonType,
		func(s int) string { return `{"match":{"method":` + nested(400*s, "") + `},"drop":true}` },
		400, `{"errors":["match.method must be a string"]}`, ""},
}

func sendAttack(m *mock.Mock, a attack, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(a.method, a.path, strings.NewReader(body))
	for i := 0; i+1 < len(a.header); i += 2 {
		req.Header.Set(a.header[i], a.header[i+1])
	}
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, req)
	return rec
}

// allocated returns the bytes allocated while f ran.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestHostileInputs(t *testing.T) {
	m, err := mock.New(mock.Options{MaxBodyBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	startState, _ := json.Marshal(m.State())
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			var cost [2]uint64
			for i, scale := range []int{1, 16} {
				body := a.body(scale)
				var rec *httptest.ResponseRecorder
				cost[i] = allocated(func() { rec = sendAttack(m, a, body) })
				if rec.Code != a.status || !strings.HasPrefix(rec.Body.String(), a.want) || !strings.Contains(rec.Body.String(), a.contains) {
					t.Fatalf("scale %d (%d bytes): %d %.300s\nwant %d %s", scale, len(body), rec.Code, rec.Body, a.status, a.want)
				}
				if rec.Body.Len() > 8<<10 {
					t.Fatalf("scale %d: the answer grew to %d bytes", scale, rec.Body.Len())
				}
				if state, _ := json.Marshal(m.State()); string(state) != string(startState) {
					t.Fatal("the state changed")
				}
			}
			if cost[1] > 32*cost[0] {
				t.Fatalf("16 times the input allocated %d times as much (%d bytes against %d): the cost grows faster than the input",
					cost[1]/max(cost[0], 1), cost[1], cost[0])
			}
		})
	}
}

// BenchmarkHostile measures each attack at 16 times the test's base size.
func BenchmarkHostile(b *testing.B) {
	m, err := mock.New(mock.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, a := range attacks {
		body := a.body(16)
		b.Run(a.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if rec := sendAttack(m, a, body); rec.Code != a.status {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// TestHostileNormalRequestBound compares the worst attack with an ordinary
// update: no body up to the limit may cost more than a generous multiple.
func TestHostileCostAgainstNormalRequest(t *testing.T) {
	m, err := mock.New(mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	normal := attack{method: "POST", path: "/api/v1/users", header: care360Auth}
	normalBody := `{"action":"UPDATE_PROFILE","data":{"email":"nobody@example.com","city":"Boston"}}`
	base := allocated(func() { sendAttack(m, normal, normalBody) })
	// A 1 MiB body is ~10,000 times a normal one; its cost may be at most
	// a small multiple of its size on top of a normal request's.
	deep := `{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","firstName":` + nested(500_000, "") + `}}`
	cost := allocated(func() {
		if rec := sendAttack(m, normal, deep); rec.Code != 400 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	})
	if limit := 100*base + 4*uint64(len(deep)); cost > limit {
		t.Fatalf("a %d-byte nested body allocated %d bytes, over %d (100 normal requests of %d bytes plus 4 times its size)", len(deep), cost, limit, base)
	}
}
