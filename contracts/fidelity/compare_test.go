package fidelity

import (
	"strings"
	"testing"

	"github.com/vendorsuite/contracts/contracts/support"
)

func TestFirstDifferenceNamesWhatDiffers(t *testing.T) {
	x := func(status int, ct, body string) support.ExchangeRecord {
		return support.ExchangeRecord{Method: "GET", Path: "/api/v1/users", Status: status, ContentType: ct, Body: body}
	}
	const js = "application/json"
	for _, tc := range []struct {
		name         string
		mock, target []support.ExchangeRecord
		want         string
	}{
		{"same", []support.ExchangeRecord{x(200, js, `{"a":1}`)}, []support.ExchangeRecord{x(200, js+"; charset=UTF-8", `{"a":1}`)}, ""},
		{"status", []support.ExchangeRecord{x(200, js, `{}`)}, []support.ExchangeRecord{x(500, js, `{}`)}, "request 1, GET /api/v1/users: status: mock 200, target 500"},
		{"no answer", []support.ExchangeRecord{x(200, js, `{}`)}, []support.ExchangeRecord{x(0, "", "")}, "status: mock 200, target no answer"},
		{"header", []support.ExchangeRecord{x(400, js, `{}`)}, []support.ExchangeRecord{x(400, "text/html", `<p>`)}, `header Content-Type: mock "application/json", target "text/html"`},
		{"message", []support.ExchangeRecord{x(400, js, `{"status":400,"message":"User a does not exist"}`)}, []support.ExchangeRecord{x(400, js, `{"status":400,"message":"User a not found"}`)},
			`message text $.message: mock "User a does not exist", target "User a not found"`},
		{"nested message", []support.ExchangeRecord{x(400, js, `{"messages":["a"]}`)}, []support.ExchangeRecord{x(400, js, `{"messages":["b"]}`)}, `message text $.messages[0]: mock "a", target "b"`},
		{"missing field", []support.ExchangeRecord{x(200, js, `{"data":{"email":"a@b.c","dob":"1995-10-01"}}`)}, []support.ExchangeRecord{x(200, js, `{"data":{"email":"a@b.c"}}`)},
			`field $.data.dob: mock "1995-10-01", target has none`},
		{"array length", []support.ExchangeRecord{x(200, js, `{"data":[1,2]}`)}, []support.ExchangeRecord{x(200, js, `{"data":[1]}`)}, "field $.data: mock 2 items, target 1"},
		{"random ids ignored", []support.ExchangeRecord{x(404, js, `{"errorId":"error-1","instance":"a"}`)}, []support.ExchangeRecord{x(404, js, `{"errorId":"error-2","instance":"b"}`)}, ""},
		{"second request", []support.ExchangeRecord{x(200, js, `{}`), x(200, js, `{}`)}, []support.ExchangeRecord{x(200, js, `{}`), x(201, js, `{}`)}, "request 2, GET /api/v1/users: status"},
		{"count", []support.ExchangeRecord{x(200, js, `{}`)}, nil, "the mock answered 1 requests, the target 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := FirstDifference(tc.mock, tc.target)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}
