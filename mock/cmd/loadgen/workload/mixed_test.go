package workload

import (
	"net/http"
	"strings"
	"testing"
)

func TestVerifyMixedFindsLostWrites(t *testing.T) {
	w := Mixed.NewWorker(0, "n").(*mixedWorker)
	for range 8 { // two rounds of read, city, first name, username
		w.Next()
		w.Done(http.StatusOK)
	}
	state := func(city string) []byte {
		return []byte(`{"care360":{"organizations":[{"users":[{"email":"mxn.w0@carevalidate.com","city":"` + city + `"}]}]},` +
			`"cl2c":{"tenants":[{"id":"tenant-demo","users":[{"id":"mx-n-w0","firstName":"w0_n_6"}]}]},` +
			`"r1discover":{"companies":[{"id":1,"users":[{"clientId":"mxnw0","username":"w0_n_7"}]}]}}`)
	}
	if checked, lost, err := Mixed.Verify(state("w0_n_5"), []Worker{w}); err != nil || checked != 3 || len(lost) != 0 {
		t.Fatalf("all writes kept: %d %q %v", checked, lost, err)
	}
	_, lost, _ := Mixed.Verify(state("w0_n_1"), []Worker{w})
	if len(lost) != 1 || !strings.Contains(lost[0], `state has "w0_n_1", last acknowledged "w0_n_5"`) {
		t.Fatalf("an older city was not reported: %q", lost)
	}
	// A write whose answer never came may or may not have applied.
	w.Next() // seq 9: city
	w.Done(0)
	if _, lost, _ := Mixed.Verify(state("w0_n_9"), []Worker{w}); len(lost) != 0 {
		t.Fatalf("an unanswered write counted as lost: %q", lost)
	}
}
