package mock_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock"
)

// TestJournalKeepsEachRequestsOwnBodies sends profile updates with
// distinct cities from several goroutines at once, in sessions of their
// own, so the journal's reused capture buffers are shared between
// concurrent requests; every entry must still show its own request and
// answer, with the time and headers filled in.
func TestJournalKeepsEachRequestsOwnBodies(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	const workers, each = 4, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				body := profileUpdate(fmt.Sprintf("City-%d-%d", w, i))
				if rec := send(m, http.MethodPost, "/api/v1/users", "application/json", body,
					"cv-api-key", "cv-demo-key", mock.SessionHeader, fmt.Sprintf("w%d", w)); rec.Code != http.StatusOK {
					t.Errorf("update: %d %s", rec.Code, rec.Body)
				}
			}
		}()
	}
	wg.Wait()
	for w := range workers {
		rec := send(m, http.MethodGet, "/__mock/requests", "", "", mock.SessionHeader, fmt.Sprintf("w%d", w))
		var page mockcontrol.JournalPage
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || len(page.Entries) != each {
			t.Fatalf("session w%d journal: %d entries, %v: %.300s", w, len(page.Entries), err, rec.Body)
		}
		for i, e := range page.Entries {
			city := fmt.Sprintf("City-%d-%d", w, i)
			if want := profileUpdate(city); e.Body == nil || *e.Body != want {
				t.Errorf("w%d entry %d: request body %v, want %s", w, i, e.Body, want)
			}
			var answer struct {
				Message string
				Data    struct{ User struct{ City string } }
			}
			if e.ResponseBody == nil || json.Unmarshal([]byte(*e.ResponseBody), &answer) != nil ||
				answer.Data.User.City != city || answer.Message != "Profile updated successfully" {
				t.Errorf("w%d entry %d: response body %v, want the answer with city %s", w, i, e.ResponseBody, city)
			}
			if _, err := time.Parse(time.RFC3339Nano, e.Time); err != nil {
				t.Errorf("w%d entry %d: time %q: %v", w, i, e.Time, err)
			}
			if e.Headers["Cv-Api-Key"] != "[REDACTED]" || e.Headers["Content-Type"] != "application/json" {
				t.Errorf("w%d entry %d: headers %v", w, i, e.Headers)
			}
		}
	}
}

func profileUpdate(city string) string {
	return `{"action":"UPDATE_PROFILE","data":{"email":"john.doe@example.com","city":"` + city + `"}}`
}
