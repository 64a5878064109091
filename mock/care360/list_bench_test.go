package care360_test

import (
	"fmt"
	"net/http"
	"testing"
)

// BenchmarkListPage reads the first page of 10 at several organization
// sizes, listing everyone and filtering by an email prefix, to show how
// listing cost grows with the organization.
func BenchmarkListPage(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		e, _ := newServer(b, manyUsers(n))
		for _, q := range []struct{ name, query string }{
			{"all", "limit=10"},
			{"prefix", "email=carol.1&limit=10"},
		} {
			b.Run(fmt.Sprintf("users=%d/%s", n, q.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					rec := do(e, call{method: http.MethodGet, target: "/api/v1/users?" + q.query, key: "big-key"})
					if rec.Code != 200 {
						b.Fatal(rec.Body.String())
					}
				}
			})
		}
	}
}
