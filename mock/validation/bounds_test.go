package validation_test

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/mock/problem"
	"github.com/vendorsuite/contracts/mock/validation"
	"github.com/vendorsuite/contracts/openapi"
)

func TestCheckBounds(t *testing.T) {
	b := validation.Bounds{MaxDepth: 3, MaxItems: 3, MaxValues: 20, MaxStringBytes: 5}
	for _, tt := range []struct{ body, want string }{
		{`{"a":[1,2,3],"b":{"c":"12345"}}`, ""},
		{`[[["x"]]]`, ""},
		{`{"a":{"b":{"c":{}}}}`, "a.b.c nests deeper than 3 levels"},
		{`{"a":[1,[2,[3,[4]]]]}`, "a[1][1] nests deeper than 3 levels"},
		{`{"a":[1,2,3,4]}`, "a has more than 3 items"},
		{`{"a":{"w":1,"x":2,"y":3,"z":4}}`, "a has more than 3 members"},
		{`{"a":"123456"}`, "a is longer than 5 bytes"},
		{`{"abcdef":1}`, "body is longer than 5 bytes"},
		{`{"a":"a\"\"\"b"}`, "a is longer than 5 bytes"},
		{`{"a":"\\\\"}`, ""},
		{`[[1,2],[3,4],[5,6]]`, ""},
		{`[[1,2],[3,4],[5,6],[]]`, "body has more than 3 items"},
	} {
		got := ""
		if p := b.CheckBounds([]byte(tt.body)); p != nil {
			got = p.Message
		}
		if got != tt.want {
			t.Errorf("%s: %q, want %q", tt.body, got, tt.want)
		}
	}
	few := validation.Bounds{MaxDepth: 3, MaxItems: 100, MaxValues: 5, MaxStringBytes: 5}
	if p := few.CheckBounds([]byte(`[1,2,3,4,5,6]`)); p == nil || p.Message != "body holds more than 5 values" {
		t.Errorf("values: %+v", p)
	}
}

// TestSchemaErrorCostLinearWithoutBounds lifts the shape bounds and sends
// Care360 bodies whose string field holds nested arrays: kin-openapi's own
// error text would format the whole value at every level of a failed oneOf
// (cost growing with the square of the depth); the mock's wording keeps
// 16 times the depth within 32 times the allocations.
func TestSchemaErrorCostLinearWithoutBounds(t *testing.T) {
	doc, err := openapi.Load(openapi.Care360)
	if err != nil {
		t.Fatal(err)
	}
	huge := validation.Bounds{MaxDepth: 1 << 20, MaxItems: 1 << 20, MaxValues: 1 << 20, MaxStringBytes: 1 << 20}
	render := func(c echo.Context, p *problem.Problem) error { return c.String(p.Status, p.Message) }
	mw, err := validation.New(validation.Config{Document: doc, Render: render, Bounds: huge})
	if err != nil {
		t.Fatal(err)
	}
	h := mw(func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	e := echo.New()
	var cost [2]uint64
	for i, depth := range []int{200, 3200} {
		body := `{"action":"UPDATE_PROFILE","data":{"email":"a@example.com","firstName":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}}`
		req := httptest.NewRequest(http.MethodPost, "/api/v1/users", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if err := h(e.NewContext(req, rec)); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		cost[i] = after.TotalAlloc - before.TotalAlloc
		if rec.Code != 400 || rec.Body.String() != "data.firstName must be a string" {
			t.Fatalf("depth %d: %d %s", depth, rec.Code, rec.Body)
		}
	}
	if cost[1] > 32*cost[0] {
		t.Fatalf("16 times the depth allocated %d times as much (%d against %d bytes)", cost[1]/max(cost[0], 1), cost[1], cost[0])
	}
}
