package care360_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/care360"
)

type page struct {
	Meta struct {
		HasMore bool    `json:"hasMore"`
		Cursor  *string `json:"cursor"`
	} `json:"meta"`
	Data []map[string]any `json:"data"`
}

// manyUsers builds one organization with n users. Emails start with one of
// a few prefixes; createdAt values collide in pairs so the id tie-break
// matters.
func manyUsers(n int) *mockcontrol.Care360Fixtures {
	users := make([]mockcontrol.Care360User, n)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	prefixes := []string{"alice", "bob", "carol", "dave"}
	for i := range users {
		id := fmt.Sprintf("u%07d", (i*7919)%n)
		created := base.Add(time.Duration(i/2) * time.Second).Format("2006-01-02T15:04:05.000Z")
		users[i] = mockcontrol.Care360User{
			Id: &id, Email: fmt.Sprintf("%s.%d@example.com", prefixes[i%len(prefixes)], i), CreatedAt: &created,
		}
	}
	return &mockcontrol.Care360Fixtures{Organizations: []mockcontrol.Care360Organization{{Name: "Big", ApiKeys: []string{"big-key"}, Users: users}}}
}

func getPage(t testing.TB, e *echo.Echo, query string) (int, page, string) {
	t.Helper()
	rec := do(e, call{method: http.MethodGet, target: "/api/v1/users?" + query, key: "big-key"})
	var p page
	if rec.Code == 200 {
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
	}
	return rec.Code, p, rec.Body.String()
}

func TestPaginationWalksEveryUserOnce(t *testing.T) {
	const n = 3000
	f := manyUsers(n)
	e, _ := newServer(t, f)
	for _, prefix := range []string{"", "alice", "BOB.1", "carol.29", "nobody"} {
		for _, desc := range []bool{false, true} {
			want := expectedOrder(f, prefix, desc)
			for _, limit := range []int{1, 7, 100} {
				name := fmt.Sprintf("prefix=%q desc=%v limit=%d", prefix, desc, limit)
				if limit == 1 && len(want) > 500 {
					continue // covered by the larger limits; keeps the test quick
				}
				t.Run(name, func(t *testing.T) {
					var seen []string
					q := url.Values{"limit": {fmt.Sprint(limit)}}
					if prefix != "" {
						q.Set("email", prefix)
					}
					if desc {
						q.Set("sortOrder", "desc")
					}
					for pages := 0; ; pages++ {
						if pages > n {
							t.Fatal("pagination does not end")
						}
						status, p, body := getPage(t, e, q.Encode())
						if status != 200 {
							t.Fatalf("status %d: %s", status, body)
						}
						if len(p.Data) > limit {
							t.Fatalf("page of %d users for limit %d", len(p.Data), limit)
						}
						for _, u := range p.Data {
							seen = append(seen, u["email"].(string))
						}
						if len(p.Data) == 0 {
							if p.Meta.Cursor != nil || p.Meta.HasMore {
								t.Fatalf("empty page meta = %+v", p.Meta)
							}
							break
						}
						if p.Meta.Cursor == nil {
							t.Fatal("non-empty page without cursor")
						}
						if !p.Meta.HasMore {
							break
						}
						q.Set("after", *p.Meta.Cursor)
					}
					if !slices.Equal(seen, want) {
						t.Fatalf("saw %d users, want %d (first difference at %d)", len(seen), len(want), firstDiff(seen, want))
					}
				})
			}
		}
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// expectedOrder sorts the fixture users the slow, obvious way.
func expectedOrder(f *mockcontrol.Care360Fixtures, prefix string, desc bool) []string {
	users := slices.Clone(f.Organizations[0].Users)
	users = slices.DeleteFunc(users, func(u mockcontrol.Care360User) bool {
		return !strings.HasPrefix(strings.ToLower(u.Email), strings.ToLower(prefix))
	})
	slices.SortFunc(users, func(a, b mockcontrol.Care360User) int {
		if c := strings.Compare(*a.CreatedAt, *b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(*a.Id, *b.Id)
	})
	if desc {
		slices.Reverse(users)
	}
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Email
	}
	return out
}

// queryErrBody is a GET refused with 400 in the get-users page's error
// envelope.
func queryErrBody(msg string) string {
	return fmt.Sprintf(`{"status":400,"success":false,"error":%q,"code":"VALIDATION_ERROR"}`, msg)
}

func TestListQueryRules(t *testing.T) {
	e, _ := newServer(t, nil)
	get := func(query, key string) (int, string) {
		rec := do(e, call{method: http.MethodGet, target: "/api/v1/users" + query, key: key})
		return rec.Code, rec.Body.String()
	}
	tests := []struct {
		name, query, key string
		status           int
		body             string
	}{
		{"missing key", "", "", 400, missingKey},
		{"unknown key", "", "cv-nope", 400, missingKey},
		{"invalid cursor", "?after=!!!", demoKey, 400, queryErrBody("after is not a valid cursor")},
		{"cursor without separator", "?after=" + base64.RawStdEncoding.EncodeToString([]byte("hello")), demoKey, 400, queryErrBody("after is not a valid cursor")},
		{"cursor with a bad time", "?after=" + base64.RawStdEncoding.EncodeToString([]byte("yesterday|abc")), demoKey, 400, queryErrBody("after is not a valid cursor")},
		{"limit 0", "?limit=0", demoKey, 400, queryErrBody("limit must be at least 1")},
		{"negative limit", "?limit=-5", demoKey, 400, queryErrBody("limit must be at least 1")},
		{"huge limit", "?limit=100000", demoKey, 400, queryErrBody("limit must be at most 100")},
		{"limit not a number", "?limit=ten", demoKey, 400, queryErrBody("limit must be an integer")},
		{"unknown sort order", "?sortOrder=up", demoKey, 400, queryErrBody("sortOrder must be one of asc, desc")},
		{"unknown sort field", "?sortBy=email", demoKey, 400, queryErrBody("sortBy must be one of createdAt")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := get(tt.query, tt.key)
			if status != tt.status || body != tt.body {
				t.Fatalf("got %d %s\nwant %d %s", status, body, tt.status, tt.body)
			}
		})
	}
}

func TestListPageShape(t *testing.T) {
	e, _ := newServer(t, nil)
	rec := do(e, call{method: http.MethodGet, target: "/api/v1/users?email=JOHN.DOE%40EXAMPLE&limit=10", key: demoKey})
	want := `{"meta":{"hasMore":false,"cursor":"MjAyNS0xMS0yNlQxMDo1NToxMi4wMTRafG45SHRoNTFRcHBlUnpoMVk2TVBOVlZwdU1zYzI"},"data":[{"email":"john.doe@example.com","firstName":"John","lastName":"Doe","dob":"1995-10-01","phoneNumber":"+11111111111","gender":"MALE","address":"123 ABC street","address2":"Apt 2","city":"NYC","state":"NY","country":"US","postalCode":"01010","allergies":"Peanuts, Shellfish","currentMedications":"Aspirin, Metformin","healthConditions":"Diabetes, Hypertension","languagePreferences":["en","es","fr"],"communication":{"smsNotificationsDisabled":true,"notificationsDisabled":true}}]}`
	if rec.Code != 200 || rec.Body.String() != want {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	// The page's own cursor continues after John; sorOrder is the page's alias.
	rec = do(e, call{method: http.MethodGet, target: "/api/v1/users?limit=10&after=MjAyNS0xMS0yNlQxMDo1NToxMi4wMTRafG45SHRoNTFRcHBlUnpoMVk2TVBOVlZwdU1zYzI&sorOrder=desc", key: demoKey})
	var p page
	_ = json.Unmarshal(rec.Body.Bytes(), &p)
	if rec.Code != 200 || len(p.Data) != 0 || p.Meta.Cursor != nil || p.Meta.HasMore {
		t.Fatalf("desc after the earliest user: %d %s", rec.Code, rec.Body)
	}
	// Users with nothing set come back with nulls and defaults.
	rec = do(e, call{method: http.MethodGet, target: "/api/v1/users?email=provider", key: demoKey})
	if !strings.Contains(rec.Body.String(), `"dob":null,"phoneNumber":null`) || !strings.Contains(rec.Body.String(), `"languagePreferences":[],"communication":{"smsNotificationsDisabled":false,"notificationsDisabled":false}`) {
		t.Fatalf("unset fields: %s", rec.Body)
	}
}

func TestCursorDecodesThePageExample(t *testing.T) {
	if _, err := care360.DecodeCursor("MjAyNS0xMS0yNlQxMDo1NToxMi4wMTRafG45SHRoNTFRcHBlUnpoMVk2TVBOVlZwdU1zYzI"); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkListPrefixPage(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		e, _ := newServer(b, manyUsers(n))
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rec := do(e, call{method: http.MethodGet, target: "/api/v1/users?email=carol.1&limit=10", key: "big-key"})
				if rec.Code != 200 {
					b.Fatal(rec.Body.String())
				}
			}
		})
	}
}
